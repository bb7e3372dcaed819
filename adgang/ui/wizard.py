"""The guarded multi-step wizard behind "Opret system" (SPEC §3) and "Opret kontaktpunkt" (§4).

A formtools `NamedUrlSessionWizardView` with the rules both wizards hold on the server:
- every step has its own URL and every POST ends in a redirect, so the browser's back button
  and reload show the step the person expects and never re-post it;
- a step is shown or accepted only when every step before it is valid (no skipping by URL,
  by a forged management form or by a forged "Redigér" target);
- "Tilbage" and "Redigér" keep what was typed on the current step (unvalidated; it is
  validated again when the person comes back and at the end);
- after "Redigér" from the summary, "Næste" leads straight back to the summary;
- a refusal by the service at the end sends the person to the step and field concerned,
  where the message is shown (`rule_error_keep`).
A subclass sets `step_labels`, `summary_step`, `input_steps`, `form_list` and implements
`finish()` (the summary was posted and every step is valid) and `cancel()`.
"""

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

CANCEL = "wizard_cancel"
GOTO = "wizard_goto_step"


def step_indicator(step_labels, current: str) -> list[dict]:
    """The DKFDS step indicator's steps: done (✓), the current one, the ones to come."""
    keys = [key for key, _label in step_labels]
    position = keys.index(current)
    return [
        {
            "number": index + 1,
            "label": label,
            "state": "done" if index < position else "current" if index == position else "todo",
        }
        for index, (_key, label) in enumerate(step_labels)
    ]


class GuardedWizardView(NamedUrlSessionWizardView):
    step_labels: tuple = ()
    summary_step = "opsummering"
    input_steps: tuple[str, ...] = ()

    # -- hooks -----------------------------------------------------------------------------

    def finish(self, cleaned: dict):
        """The summary was posted and every input step is valid: call the service."""
        raise NotImplementedError

    def cancel(self):
        raise NotImplementedError

    def back_to_summary(self) -> bool:
        """Whether "Næste" returns to the summary (after "Redigér" from it)."""
        return bool(self._extra.get("back_to_summary"))

    # -- storage ---------------------------------------------------------------------------

    def get_form_step_data(self, form):
        return self._raw(form.prefix)

    def _raw(self, step: str) -> dict[str, list[str]]:
        """What was posted for `step` (its prefixed fields only; no CSRF token)."""
        prefix = f"{step}-"
        return {k: self.request.POST.getlist(k) for k in self.request.POST if k.startswith(prefix)}

    def _store(self, step: str, data: dict) -> None:
        self.storage.set_step_data(step, data)
        # Later steps' forms depend on this one's cleaned data: forget what was cached.
        for name in [n for n in vars(self) if n.startswith("_cleaned_data_cache_")]:
            delattr(self, name)

    def _first_incomplete(self, *, before: str) -> str | None:
        """The first step before `before` whose stored data does not validate, if any."""
        for step in self.get_form_list():
            if step == before:
                return None
            if self.get_cleaned_data_for_step(step) is None:
                return step
        return None

    def _cleaned(self) -> dict | str:
        """Every input step's cleaned data, or the first step that no longer validates."""
        cleaned = {}
        for step in self.input_steps:
            cleaned[step] = self.get_cleaned_data_for_step(step)
            if cleaned[step] is None:
                return step
        return cleaned

    @property
    def _extra(self) -> dict:
        return self.storage.extra_data

    def _goto(self, step: str):
        self.storage.current_step = step
        return redirect(self.get_step_url(step))

    # -- requests --------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return self._goto(self.steps.current)
        missing = self._first_incomplete(before=step)
        if missing is not None:
            return self._goto(missing)
        self.storage.current_step = step
        form = self.get_form(step, data=self.storage.get_step_data(step))
        self._show_rule_error(step, form)
        if step == self.summary_step:
            self._extra.pop("back_to_summary", None)
        return self.render(form)

    def post(self, request, *args, **kwargs):
        if CANCEL in request.POST:
            return self.cancel()
        management = ManagementForm(request.POST, prefix=self.prefix)
        if not management.is_valid():
            raise SuspiciousOperation("The wizard's management form is missing or tampered with.")
        step = management.cleaned_data["current_step"]
        if step not in self.get_form_list():
            return self._goto(self.steps.current)
        missing = self._first_incomplete(before=step)
        if missing is not None:  # a forged step: the person has not got this far
            return self._goto(missing)
        self.storage.current_step = step
        goto = request.POST.get(GOTO)
        if goto:
            return self._go_to_earlier(step, goto)
        form = self.get_form(step, data=request.POST)
        if not form.is_valid():
            return self.render(form)
        self._store(step, self.get_form_step_data(form))
        if step == self.summary_step:
            cleaned = self._cleaned()
            if isinstance(cleaned, str):
                return self._goto(cleaned)
            return self.finish(cleaned)
        if self.back_to_summary():
            # After "Redigér": straight back to the summary unless a later step no longer fits.
            return self._goto(self._first_incomplete(before=self.summary_step) or self.summary_step)
        return self._goto(self.get_next_step(step))

    def _go_to_earlier(self, step: str, goto: str):
        """ "Tilbage" and "Redigér": keep what was typed on this step, unvalidated."""
        if goto not in self.get_form_list():
            return self._goto(step)
        if step == self.summary_step:
            self._extra["back_to_summary"] = True
        else:
            self._store(step, self._raw(step))
        return self._goto(self._first_incomplete(before=goto) or goto)

    # -- a service's refusal ---------------------------------------------------------------

    def rule_error_keep(self, step: str, field: str | None, message: str):
        """Show `message` at `field` of `step` (or as a page message) and go there."""
        self._extra["rule_error"] = {"step": step, "field": field, "message": message}
        return self._goto(step)

    def _show_rule_error(self, step: str, form) -> None:
        error = self._extra.get("rule_error")
        if not error or error["step"] != step:
            return
        del self._extra["rule_error"]
        if form.is_bound:
            form.is_valid()
        if error["field"] in form.fields and form.is_bound:
            # The form may already refuse the same thing by itself (the rule changed since).
            if error["message"] not in form.errors.get(error["field"], []):
                form.add_error(error["field"], error["message"])
        else:
            messages.error(self.request, error["message"])

    # -- rendering -------------------------------------------------------------------------

    def render(self, form=None, **kwargs):
        form = form or self.get_form()
        # Several choices share a page, so no field gets the browser's `required` attribute.
        form.use_required_attribute = False
        return super().render(form, **kwargs)

    def step_indicator(self, current: str) -> list[dict]:
        return step_indicator(self.step_labels, current)
