// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions marked with data-confirm.
  document.body.addEventListener("submit", (event) => {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Copy buttons (e.g. a new API token).
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (button) {
      const target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = "Copied";
      }
    }
  });

  // After an htmx swap the control someone used is usually replaced, and focus would fall to
  // the page body: put it back on the same control in the new content, and say what happened
  // in the page's live region (#announcer, outside anything that is swapped).
  const announcer = document.getElementById("announcer");
  let used = null;

  const visibleText = (element) => {
    // The text a person sees, without parts hidden from assistive technology.
    const copy = element.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach((hidden) => hidden.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };
  const formAction = (form) =>
    form && (form.getAttribute("hx-post") || form.getAttribute("action"));

  // The button that submitted a form (a click does not focus a button in every browser).
  let submitter = null;
  document.addEventListener("submit", (event) => (submitter = event.submitter), true);

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const active = document.activeElement;
    const form = event.detail.elt.closest("form");
    const control = active && active !== document.body ? active : submitter;
    submitter = null;
    // Only what a person did: a poll (the formation's progress) must neither move focus nor talk.
    if (!control || !event.detail.elt.contains(control)) {
      used = null;
      return;
    }
    used = {
      id: control && control.id,
      name: control && control.getAttribute("name"),
      value: control && control.getAttribute("value"),
      text: control && visibleText(control),
      action: formAction(form),
      announce:
        (control && control.getAttribute("data-announce")) ||
        (form && form.getAttribute("data-announce")),
    };
  });

  const findAgain = (target) => {
    if (!used) return null;
    if (used.id && document.getElementById(used.id)) return document.getElementById(used.id);
    const form = [...document.querySelectorAll("form")].find((f) => formAction(f) === used.action);
    if (form) {
      const controls = [...form.querySelectorAll("button, input, select, textarea")];
      const same = controls.find((c) =>
        used.name
          ? c.getAttribute("name") === used.name && c.getAttribute("value") === used.value
          : c.tagName === "BUTTON" && visibleText(c) === used.text,
      );
      if (same) return same;
    }
    // The control is gone (say, a removed row): the updated region itself takes focus.
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    return target;
  };

  const announce = (text) => {
    if (!announcer || !text) return;
    announcer.textContent = "";
    // A fresh text node after a pause, so the same words twice are read twice.
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 100);
  };

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || !used) return;
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) {
      const again = findAgain(target.isConnected ? target : document.getElementById("main"));
      if (again) again.focus({ preventScroll: false });
    }
    // What the server said (its messages, or a summary marked .announce such as "12 people
    // match."), else what the control or form says it does, else "<button>: done."
    // Not role=alert content: screen readers read an inserted alert by themselves.
    const region = target.isConnected ? target : document;
    const said = [...region.querySelectorAll(".messages .message, .announce")]
      .map(visibleText)
      .filter((text, index, all) => text && all.indexOf(text) === index);
    const fallback = used.text ? `${used.text}: done.` : "Updated.";
    announce(said.length ? said.join(" ") : used.announce || fallback);
    used = null;
  });
});
