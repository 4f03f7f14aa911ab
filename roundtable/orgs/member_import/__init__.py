"""CSV import of members: `parsing` reads and checks the file, `comparing` previews the changes,
`applying` writes every row or none. Columns are documented in docs/members-csv.md."""
