"""Circle formation in the app, the Django side of the pure engine `roundtable.formation`.

A coordinator chooses criteria and weights (`criteria`), the engine proposes circles in a
background task (`services` starts a run, `tasks` runs `execution`, `adapter` turns model objects
into the engine's Pool and Request, `proposal` turns its Result into what is stored and shown);
the coordinator reviews, moves and pins people, and publishes (`services`). Publishing is the
only step that changes circles. People already in circles stay where they are unless the
coordinator lets the engine move them ("re-balance current circles"); even then, everyone who
would change circle is listed and the coordinator confirms before anything is published.
"""
