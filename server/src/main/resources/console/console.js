// The console's own script, loaded from the server so that its Content-Security-Policy allows no inline script.

// An action's refusal (its problem details) is shown on the page rather than dropped; an answer
// without details, or none at all, still says that the action failed.
document.addEventListener('htmx:responseError', function (e) {
  var detail = null;
  try {
    detail = JSON.parse(e.detail.xhr.responseText).detail;
  } catch (x) {
    // not problem details: said by its status below
  }
  document.getElementById('messages').textContent = detail || 'The request failed (' + e.detail.xhr.status + ')';
});
document.addEventListener('htmx:sendError', function () {
  document.getElementById('messages').textContent = 'The request did not reach Switchboard';
});

// The rows selected for a bulk action live in the bulk form (a JSON list of "cluster/name"), not in
// the table, which a live refresh replaces at any moment: each checkbox writes to it.
document.addEventListener('change', function (e) {
  var box = e.target;
  if (box.name !== 'selected') return;
  var field = document.getElementById('selection');
  if (!field) return;
  var ids = field.value ? JSON.parse(field.value) : [];
  ids = ids.filter(function (id) { return id !== box.value; });
  if (box.checked) ids.push(box.value);
  field.value = JSON.stringify(ids);
});

// An action's answer carries its outcome for the message line, out of band. htmx looks for that
// line from the element that sent the request; when a live refresh replaced that element (the
// button) while its request was under way, htmx looks in the detached button's own tree, finds
// nothing and drops the outcome without a word. So the line is placed here, before the swap,
// whichever element sent the request (htmx places the same text again when it finds the line).
document.addEventListener('htmx:beforeSwap', function (e) {
  var answer = e.detail.serverResponse;
  if (!e.detail.shouldSwap || typeof answer !== 'string' || answer.indexOf('id="messages"') < 0) return;
  var line = new DOMParser().parseFromString(answer, 'text/html').getElementById('messages');
  var messages = document.getElementById('messages');
  if (line && messages) messages.textContent = line.textContent;
});

// A bulk delete is sent only once confirmed in a dialog that says how many it deletes: the other
// bulk actions are undone by their opposite, a delete is not.
document.addEventListener('htmx:confirm', function (e) {
  var form = e.detail.elt;
  if (!form || form.id !== 'bulk') return;
  var submitter = e.detail.triggeringEvent && e.detail.triggeringEvent.submitter;
  if (!submitter || submitter.value !== 'apply' || form.elements.action.value !== 'delete') return;
  e.preventDefault();
  var ids = form.elements.selection.value ? JSON.parse(form.elements.selection.value) : [];
  var what = form.elements.which.value === 'matching' ? 'every connector the search shows'
    : ids.length + (ids.length === 1 ? ' connector' : ' connectors');
  if (window.confirm('Delete ' + what + '? A deleted connector is gone from its worker.')) e.detail.issueRequest(true);
});
