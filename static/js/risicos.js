// Print buttons (no inline scripts: the Content-Security-Policy forbids them).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-afdrukken]")) {
    window.print();
  }
});
