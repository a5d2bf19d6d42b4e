/* Lazy org tree navigator. Markup: an element with data-org-tree and data-children-url,
 * data-search-url, data-mode ("filter": clicking narrows the current list with ?org=<id>;
 * "open": clicking opens the org; "pick": clicking puts the org's code into the form's
 * [data-org-picker] input), data-selected (id) and data-text-* labels.
 * Only one level is loaded at a time; the first load also opens the way to the selected org.
 * Plain ES5 + fetch so that older office browsers run it. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  function withParams(base, params) {
    var url = new URL(base, window.location.href);
    Object.keys(params).forEach(function (key) { url.searchParams.set(key, params[key]); });
    return url.toString();
  }

  function OrgTree(panel) {
    this.panel = panel;
    this.root = panel.querySelector("[data-tree-root]");
    this.results = panel.querySelector("[data-tree-results]");
    this.search = panel.querySelector("[data-tree-search]");
    this.mode = panel.dataset.mode || "filter";
    this.selected = panel.dataset.selected || "";
    this.text = {
      loading: panel.dataset.textLoading, empty: panel.dataset.textEmpty,
      none: panel.dataset.textNoneFound, more: panel.dataset.textMore, error: panel.dataset.textError
    };
    this.bindSearch();
    this.loadRoots();
  }

  OrgTree.prototype.choose = function (node) {
    if (this.mode === "filter") {
      var url = new URL(window.location.href);
      url.searchParams.set("org", node.id);
      url.searchParams.delete("page");
      window.location.href = url.toString();
    } else if (this.mode === "pick") {
      var input = document.querySelector("[data-org-picker]");
      if (input) {
        input.value = node.code;
        input.focus();
      }
      var previous = this.panel.querySelectorAll(".node.selected");
      for (var i = 0; i < previous.length; i++) { previous[i].classList.remove("selected"); }
      if (node.element) { node.element.classList.add("selected"); }
    } else {
      window.location.href = node.url;
    }
  };

  OrgTree.prototype.renderLevel = function (container, nodes, truncated, expanded) {
    var self = this;
    container.innerHTML = "";
    if (!nodes.length) { container.appendChild(el("div", "muted", this.text.empty)); return; }
    var list = el("ul");
    nodes.forEach(function (node) {
      var item = el("li");
      var row = el("div", "node" + (node.active ? "" : " dissolved") + (String(node.id) === self.selected ? " selected" : ""));
      var toggle = el("button", "toggle", node.has_children ? "▸" : "");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      if (!node.has_children) { toggle.disabled = true; }
      var label = el("a", "label", node.name);
      label.href = self.mode === "filter" ? "#" : node.url;
      label.title = node.name + " · " + node.kind + " · " + node.code;
      label.addEventListener("click", function (event) { event.preventDefault(); self.choose(node); });
      node.element = row;
      row.appendChild(toggle);
      row.appendChild(label);
      item.appendChild(row);
      var children = el("div");
      children.hidden = true;
      item.appendChild(children);
      if (node.has_children) {
        toggle.addEventListener("click", function () { self.toggle(node, toggle, children); });
        if (expanded && expanded[node.id]) {
          self.renderLevel(children, expanded[node.id], false, expanded);
          children.hidden = false;
          children.dataset.loaded = "1";
          toggle.textContent = "▾";
          toggle.setAttribute("aria-expanded", "true");
        }
      }
      list.appendChild(item);
    });
    container.appendChild(list);
    if (truncated) { container.appendChild(el("div", "muted small", this.text.more)); }
  };

  OrgTree.prototype.toggle = function (node, toggle, children) {
    var self = this;
    var open = !children.hidden;
    if (open) {
      children.hidden = true;
      toggle.textContent = "▸";
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    children.hidden = false;
    toggle.textContent = "▾";
    toggle.setAttribute("aria-expanded", "true");
    if (children.dataset.loaded) { return; }
    children.innerHTML = "";
    children.appendChild(el("div", "muted", this.text.loading));
    getJSON(withParams(this.panel.dataset.childrenUrl, { parent: node.id })).then(function (data) {
      children.dataset.loaded = "1";
      self.renderLevel(children, data.nodes, data.truncated, null);
    }).catch(function () {
      children.innerHTML = "";
      children.appendChild(el("div", "muted", self.text.error));
    });
  };

  OrgTree.prototype.loadRoots = function () {
    var self = this;
    var params = this.selected ? { selected: this.selected } : {};
    this.root.appendChild(el("div", "muted", this.text.loading));
    getJSON(withParams(this.panel.dataset.childrenUrl, params)).then(function (data) {
      self.renderLevel(self.root, data.nodes, data.truncated, data.expanded || null);
      var current = self.root.querySelector(".node.selected");
      if (current && current.scrollIntoView) { current.scrollIntoView({ block: "nearest" }); }
    }).catch(function () {
      self.root.innerHTML = "";
      self.root.appendChild(el("div", "muted", self.text.error));
    });
  };

  OrgTree.prototype.bindSearch = function () {
    var self = this;
    var timer = null;
    var latest = 0;
    this.search.addEventListener("input", function () {
      window.clearTimeout(timer);
      var q = self.search.value.trim();
      if (!q) {
        self.results.hidden = true;
        self.root.hidden = false;
        return;
      }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        getJSON(withParams(self.panel.dataset.searchUrl, { q: q })).then(function (data) {
          if (ticket !== latest) { return; }
          self.showResults(data);
        });
      }, 250);
    });
  };

  OrgTree.prototype.showResults = function (data) {
    var self = this;
    this.results.innerHTML = "";
    this.results.hidden = false;
    this.root.hidden = true;
    if (!data.results.length) { this.results.appendChild(el("div", "muted", this.text.none)); return; }
    data.results.forEach(function (node) {
      var link = el("a", "result");
      link.href = self.mode === "filter" ? "#" : node.url;
      link.appendChild(el("div", node.active ? "" : "text-secondary", node.name + " (" + node.code + ")"));
      if (node.ancestors.length) { link.appendChild(el("div", "path", node.ancestors.join(" / "))); }
      link.addEventListener("click", function (event) { event.preventDefault(); self.choose(node); });
      self.results.appendChild(link);
    });
    if (data.truncated) { this.results.appendChild(el("div", "muted small", this.text.more)); }
  };

  function init() {
    var panels = document.querySelectorAll("[data-org-tree]");
    for (var i = 0; i < panels.length; i++) {
      if (!panels[i].dataset.ready) { panels[i].dataset.ready = "1"; new OrgTree(panels[i]); }
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
