/// The pages' stylesheet and script, served from the binary (no CDN, no build step).
enum PageAssets {
    static let css: String = {
        var css = """
            :root { color-scheme: dark; --bg: #111418; --panel: #1b2027; --ink: #e8ecf1; --dim: #9aa5b1;
              --accent: #f5b942; --chip: #2a323d; --focus: #62b6ff; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--ink);
              font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            a { color: inherit; }
            a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible {
              outline: 3px solid var(--focus); outline-offset: 2px; }
            .skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: #000; padding: 6px 10px; }
            .skip:focus { left: 8px; }
            header { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; padding: 12px 24px;
              background: var(--panel); border-bottom: 1px solid #2c333d; position: sticky; top: 0; z-index: 2; }
            .brand { font-weight: 700; font-size: 20px; color: var(--accent); text-decoration: none; }
            form { display: flex; gap: 8px; align-items: center; }
            form.search { flex: 1 1 420px; }
            form.search input { flex: 1; }
            label { color: var(--dim); font-size: 13px; }
            input { background: #0d1014; color: var(--ink); border: 1px solid #3a4350; border-radius: 6px;
              padding: 7px 10px; font: inherit; min-width: 0; }
            button { background: var(--accent); color: #1a1204; border: 0; border-radius: 6px; padding: 7px 14px;
              font: inherit; font-weight: 600; cursor: pointer; }
            main { padding: 8px 24px 40px; }
            h1 { font-size: 24px; margin: 18px 0 4px; }
            h2 { font-size: 17px; margin: 22px 0 6px; }
            .lede, .notice { color: var(--dim); margin: 0 0 8px; }
            .error { background: #4a1d1d; border: 1px solid #a33; padding: 10px 14px; border-radius: 6px; }
            .row h2 { display: inline-block; margin-right: 12px; }
            details.why { display: inline-block; color: var(--dim); font-size: 13px; max-width: 900px; }
            details.why summary { cursor: pointer; }
            details.why p { margin: 4px 0 0; }
            ul.cards, ol.results { list-style: none; padding: 0; margin: 6px 0 0; }
            ul.cards { display: flex; gap: 12px; overflow-x: auto; padding-bottom: 10px; scroll-snap-type: x proximity; }
            ul.cards li { flex: 0 0 230px; scroll-snap-align: start; }
            ol.results { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
            .card { display: flex; flex-direction: column; gap: 4px; height: 100%; padding: 12px; border-radius: 8px;
              background: var(--panel); text-decoration: none; border: 1px solid #2c333d; }
            .card:hover, .card:focus-visible { border-color: var(--accent); }
            .card .name { font-weight: 600; }
            .card .meta, .title .meta { color: var(--dim); font-size: 13px; }
            .card .line { font-size: 13px; color: #c6ced8; display: -webkit-box; -webkit-line-clamp: 3;
              -webkit-box-orient: vertical; overflow: hidden; }
            .card .explain { font-size: 12px; color: var(--dim); border-top: 1px solid #2c333d; padding-top: 4px; }
            .chips { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; padding: 0; margin: 4px 0 0; }
            .chip { background: var(--chip); border-radius: 999px; padding: 1px 8px; font-size: 12px; }
            .parsed .chip { font-size: 13px; padding: 3px 10px; }
            ul.parsed { margin-bottom: 10px; }
            .chip .kind { color: var(--accent); font-weight: 600; }
            .chip.not .kind { color: #ff7a7a; }
            article.title { max-width: 1100px; }
            .synopsis { max-width: 860px; }
            table.tags { border-collapse: collapse; width: 100%; }
            table.tags th, table.tags td { text-align: left; vertical-align: top; padding: 6px 8px;
              border-bottom: 1px solid #2c333d; }
            table.tags thead th { color: var(--dim); font-weight: 600; font-size: 13px; }
            .bar { display: inline-block; width: 140px; height: 10px; background: var(--chip); border-radius: 5px;
              overflow: hidden; vertical-align: middle; }
            .fill { display: block; height: 100%; background: var(--accent); }
            .score, .weight { color: var(--dim); font-size: 12px; }
            ul.evidence { margin: 0; padding-left: 16px; font-size: 13px; }
            .source { color: var(--accent); }
            footer { color: var(--dim); padding: 16px 24px; font-size: 13px; }

            """
        // Bar widths as classes: the page's policy allows no inline style.
        for percent in 0...100 { css += ".w\(percent) { width: \(percent)%; }\n" }
        return css
    }()

    /// The tab's icon: three rows of cards.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#111418"/>\
        <g fill="#f5b942"><rect x="2" y="3" width="5" height="3" rx="1"/><rect x="9" y="3" width="5" height="3" rx="1"/>\
        <rect x="2" y="7" width="5" height="3" rx="1"/><rect x="9" y="7" width="5" height="3" rx="1"/>\
        <rect x="2" y="11" width="5" height="3" rx="1"/><rect x="9" y="11" width="5" height="3" rx="1"/></g></svg>

        """

    /// Arrow keys move between cards: left and right within a row, up and down to the same
    /// place in the row above or below; "/" goes to the search box.
    static let javascript = """
        "use strict";
        document.addEventListener("keydown", (event) => {
          const target = event.target;
          if (event.key === "/" && !(target instanceof HTMLInputElement)) {
            event.preventDefault();
            document.getElementById("q").focus();
            return;
          }
          if (!(target instanceof HTMLElement) || !target.classList.contains("card")) return;
          const item = target.closest("li");
          const list = item && item.parentElement;
          if (!list) return;
          const items = Array.from(list.children);
          const index = items.indexOf(item);
          let next = null;
          if (event.key === "ArrowRight") next = items[index + 1];
          if (event.key === "ArrowLeft") next = items[index - 1];
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            const lists = Array.from(document.querySelectorAll("ul.cards, ol.results"));
            const other = lists[lists.indexOf(list) + (event.key === "ArrowDown" ? 1 : -1)];
            if (other) next = other.children[Math.min(index, other.children.length - 1)];
          }
          const link = next && next.querySelector("a.card");
          if (link) {
            event.preventDefault();
            link.focus();
            link.scrollIntoView({ block: "nearest", inline: "nearest" });
          }
        });

        """
}
