// The console's own script, loaded from the server so that its Content-Security-Policy allows no inline script.

// An action's refusal (its problem details) is shown on the page rather than dropped.
document.addEventListener('htmx:responseError', function (e) {
  var messages = document.getElementById('messages');
  try {
    messages.textContent = JSON.parse(e.detail.xhr.responseText).detail;
  } catch (x) {
    messages.textContent = 'The request failed (' + e.detail.xhr.status + ')';
  }
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
