/**
 * The page's only script, inlined: shows one module at a time, chosen from the summary table
 * or the graph, and keeps the choice in the URL fragment (so a link to `#module-md` opens md,
 * and Back works). `#all` shows every module. Without script every module is simply shown.
 * Plain ES2017, no modules: it runs from file:// in any current browser.
 */
export const PAGE_SCRIPT = `
(function () {
  var articles = Array.prototype.slice.call(document.querySelectorAll('article.module'));
  var targets = Array.prototype.slice.call(document.querySelectorAll('[data-target]'));
  var hint = document.getElementById('pick-hint');
  function show(id, scroll) {
    var shown = null;
    articles.forEach(function (a) {
      var on = id === 'all' || a.id === id;
      a.hidden = !on;
      if (on && !shown) shown = a;
    });
    targets.forEach(function (t) { t.classList.toggle('selected', t.getAttribute('data-target') === id); });
    if (hint) hint.hidden = shown !== null;
    if (shown && scroll) shown.scrollIntoView();
  }
  targets.forEach(function (t) {
    if (t.tagName !== 'TR') return;
    t.addEventListener('click', function (ev) {
      if (ev.target.closest && ev.target.closest('a')) return;
      location.hash = t.getAttribute('data-target');
    });
  });
  window.addEventListener('hashchange', function () { show(decodeURIComponent(location.hash.slice(1)), true); });
  document.body.classList.add('js');
  show(decodeURIComponent(location.hash.slice(1)), location.hash.length > 1);
})();
`;
