"""The SQL editor is named for screen readers: Datasette's CodeMirror editor types into a text box of
its own that has no label. CodeMirror makes that box once the page has loaded, so it is named then."""

from datasette import hookimpl

LABEL = "SQL query"
SCRIPT = f"""window.addEventListener("load", () => {{
  document.querySelectorAll(".CodeMirror textarea").forEach((box) => box.setAttribute("aria-label", "{LABEL}"));
}});"""


@hookimpl
def extra_body_script(template):
    if template in ("database.html", "query.html", "query-mandate_notes.html"):
        return SCRIPT
    return None
