// Vigil console: the pages work without this script; it only adds
// Ctrl+Enter (or Cmd+Enter) to run the SQL editor's query.
document.addEventListener("DOMContentLoaded", function () {
  var sql = document.getElementById("sql");
  if (!sql) return;
  sql.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      sql.form.requestSubmit();
    }
  });
});
