"""Two ways through the same journeys: with the mouse, or with the keyboard alone.

A journey is written once against this small vocabulary (follow a link, fill a field,
choose an option, press a button, open a disclosure). ``Mouse`` clicks and fills;
``Keyboard`` reaches every control with Tab / Shift+Tab, then types, uses the arrow keys,
Space and Enter, and checks at every stop that the focused element shows a visible focus
indicator (an outline or a box-shadow, from ``:focus-visible``). It never clicks: a
pointer event while it drives fails the test (see ``Keyboard.pointer_events``).
"""

MAX_TABS = 250

# The step the keyboard takes: where focus is, whether it reached ``el``, and whether the
# focused element shows its focus (an outline or a box-shadow, which site.css gives only to
# :focus-visible, so an element that draws one always is a bug of its own).
FOCUS_STATE = """(el) => {
  const a = document.activeElement;
  const onBody = !a || a === document.body || a === document.documentElement;
  const s = onBody ? null : getComputedStyle(a);
  const sameGroup = el.type === 'radio' && a && a.type === 'radio' && a.name === el.name
    && a.form === el.form;
  return {
    reached: a === el || sameGroup,
    onBody: onBody,
    label: onBody ? 'body' : (a.tagName.toLowerCase() + ' ' + (a.id || a.name
      || (a.textContent || '').trim().slice(0, 40))),
    visible: !onBody && (
      (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'),
    backwards: !onBody && !!(a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING),
  };
}"""

# Records trusted pointer events (a real click) so the keyboard run can prove it made none.
POINTER_GUARD = """for (const type of ['pointerdown', 'mousedown', 'touchstart']) {
  window.addEventListener(type, (event) => {
    if (event.isTrusted) { window.__pointer && window.__pointer(type); }
  }, true);
}"""


class Mouse:
    """Clicks and fills, as most people do."""

    name = "mouse"

    def __init__(self, page):
        self.page = page

    def follow(self, link):
        link.click()

    def press(self, button):
        button.click()

    def fill(self, field, text):
        field.fill(text)

    def paste(self, field, text):
        field.fill(text)

    def fill_datetime(self, field, value):
        """``value`` as the input's own value, e.g. 2030-01-01T08:00."""
        field.fill(value)

    def check(self, box):
        box.check()

    def choose(self, select, value):
        select.select_option(value)

    def open(self, summary):
        summary.click()


class Keyboard(Mouse):
    """Tab, Shift+Tab, arrows, Space, Enter and typing; focus must stay visible."""

    name = "keyboard"

    def __init__(self, page):
        super().__init__(page)
        self.pointer_events = []
        page.expose_function("__pointer", lambda kind: self.pointer_events.append(kind))
        page.add_init_script(POINTER_GUARD)

    def focus(self, target):
        """Tab (or Shift+Tab when the target lies before focus) until ``target`` has focus."""
        state = target.evaluate(FOCUS_STATE)
        if state["reached"]:
            return
        key = "Shift+Tab" if state["backwards"] else "Tab"
        path = []
        for _ in range(MAX_TABS):
            self.page.keyboard.press(key)
            state = target.evaluate(FOCUS_STATE)
            path.append(state["label"])
            assert state["onBody"] or state["visible"], f"focus not visible on {state['label']}"
            if state["reached"]:
                return
        raise AssertionError(f"not reachable with {key}: {target}; went through {path[-15:]}")

    def follow(self, link):
        self.focus(link)
        self.page.keyboard.press("Enter")

    def press(self, button):
        self.focus(button)
        self.page.keyboard.press("Enter")

    def fill(self, field, text):
        self.focus(field)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def paste(self, field, text):
        """Long text arrives as one input, as a paste from the clipboard does."""
        self.focus(field)
        self.page.keyboard.insert_text(text)

    def fill_datetime(self, field, value):
        """Type into the segments of a datetime-local input. Headless Chromium lays them out
        as en-US whatever the page's locale: mm/dd/yyyy (the year takes up to six digits, so
        → moves on), hh:mm on a 12-hour clock, then AM/PM with the arrow keys. The value is
        checked at the end, so another layout fails here, not later."""
        day, time = value.split("T")
        year, month, date = day.split("-")
        hour, minute = time.split(":")
        self.focus(field)
        for part in (month, date, year, "ArrowRight", f"{int(hour) % 12 or 12:02d}", minute):
            if part.startswith("Arrow"):
                self.page.keyboard.press(part)
            else:
                self.page.keyboard.type(part)
        for _ in range(3):
            if field.input_value() == value:
                break
            self.page.keyboard.press("ArrowUp")
        assert field.input_value() == value, field.input_value()

    def check(self, box):
        """A checkbox: Space. A radio: arrows within its group until it is the checked one."""
        self.focus(box)
        if box.evaluate("el => el.type") == "radio":
            for _ in range(20):
                if box.evaluate("el => el === document.activeElement"):
                    break
                self.page.keyboard.press("ArrowDown")
        if not box.is_checked():
            self.page.keyboard.press("Space")
        assert box.is_checked()

    def choose(self, select, value):
        """A closed <select>: the arrow keys step through the options."""
        self.focus(select)
        values = select.evaluate("el => [...el.options].map(o => o.value)")
        current = select.input_value()
        key = "ArrowDown" if values.index(value) > values.index(current) else "ArrowUp"
        for _ in range(len(values)):
            if select.input_value() == value:
                break
            self.page.keyboard.press(key)
        assert select.input_value() == value

    def open(self, summary):
        self.focus(summary)
        self.page.keyboard.press("Enter")


DRIVERS = {"mouse": Mouse, "keyboard": Keyboard}
