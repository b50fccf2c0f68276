namespace FeatureStore.Server.Catalog.Web;

/// <summary>The page's only styling: small, inline, no build step, readable without it.</summary>
internal static class CatalogStyles
{
    public const string Css = """
        :root { --ink:#1d2330; --muted:#5d6678; --line:#e3e6ec; --bg:#f6f7f9; --accent:#2457c5; --ok:#1c7c43; --okbg:#e5f4ea; --warn:#9a3412; --warnbg:#fdecdc; --chip:#eef1f6; }
        * { box-sizing: border-box; }
        body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--ink); background:var(--bg); }
        a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
        code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
        .wrap { max-width: 1120px; margin: 0 auto; padding: 0 20px; }
        header.top { background:#fff; border-bottom:1px solid var(--line); }
        header.top .wrap { display:flex; align-items:center; gap:18px; height:58px; }
        .brand { font-weight:700; font-size:17px; color:var(--ink); }
        .project { color:var(--muted); font-size:13px; background:var(--chip); padding:2px 8px; border-radius:10px; }
        header nav { display:flex; gap:14px; }
        form.search { margin-left:auto; display:flex; gap:6px; }
        form.search input { width: 300px; padding:7px 10px; border:1px solid #c9ceda; border-radius:6px; font:inherit; }
        form.signout button { padding:6px 10px; border:1px solid #c9ceda; border-radius:6px; background:#fff; color:var(--ink); font:inherit; cursor:pointer; }
        form.login { display:flex; flex-direction:column; gap:8px; max-width:420px; background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px; }
        form.login input { padding:8px 10px; border:1px solid #c9ceda; border-radius:6px; font:inherit; }
        form.login button { align-self:flex-start; padding:7px 14px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
        .refused { color:var(--warn); background:var(--warnbg); border-radius:6px; padding:8px 12px; max-width:420px; }
        form.search button, .button { padding:7px 14px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
        main { padding: 22px 20px 28px; }
        h1 { font-size: 26px; margin: 4px 0 2px; } h2 { font-size: 18px; margin: 28px 0 10px; }
        h2 .count { color:var(--muted); font-weight:400; font-size:15px; }
        .lead { color:var(--muted); margin: 0 0 16px; }
        .crumbs { color:var(--muted); font-size:13px; }
        table { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line); border-radius:8px; overflow:hidden; }
        th, td { text-align:left; padding:8px 12px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { background:#fafbfc; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
        tr:last-child td { border-bottom:0; }
        .chip { display:inline-block; background:var(--chip); border-radius:10px; padding:1px 8px; font-size:12px; margin:0 4px 2px 0; white-space:nowrap; }
        .key { background:#e7edfb; color:#1f3f8f; }
        .badge { display:inline-block; border-radius:10px; padding:1px 9px; font-size:12px; white-space:nowrap; }
        .fresh { background:var(--okbg); color:var(--ok); } .stale { background:var(--warnbg); color:var(--warn); font-weight:600; } .never { background:var(--chip); color:var(--muted); }
        .added { background:var(--okbg); color:var(--ok); } .removed { background:#fde2e2; color:#a11b1b; } .changed { background:#fff4d6; color:#8a5a00; }
        .muted { color:var(--muted); }
        .empty { background:#fff; border:1px dashed #c9ceda; border-radius:8px; padding:14px 16px; color:var(--muted); }
        dl.facts { display:grid; grid-template-columns: max-content 1fr; gap:6px 18px; background:#fff; border:1px solid var(--line); border-radius:8px; padding:14px 18px; margin:0; }
        dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
        .panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:14px 18px; margin-top:14px; }
        .panel.is-stale { border-color:#f3b58a; background:var(--warnbg); }
        .problem { background:var(--warnbg); color:var(--warn); border:1px solid #f3b58a; border-radius:6px; padding:.6em .8em; }
        .panel p:last-child { margin-bottom:0; }
        .panel .headline .badge { font-size:15px; padding:3px 12px; }
        .lineage { display:flex; align-items:stretch; gap:10px; flex-wrap:wrap; }
        .node { flex:1 1 240px; background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
        .node .kind { font-size:11px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); }
        .node .name { font-weight:600; font-size:16px; display:block; margin:2px 0 6px; }
        .node.current { border:2px solid var(--accent); }
        .node ul { margin:4px 0 0; padding-left:18px; }
        .arrow { align-self:center; font-size:22px; color:var(--muted); }
        article.version { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 16px; margin-bottom:12px; }
        article.version h3 { margin:0 0 6px; font-size:16px; }
        ul.changes { list-style:none; margin:0; padding:0; } ul.changes li { padding:4px 0; border-top:1px solid var(--line); } ul.changes li:first-child { border-top:0; }
        table.fields { width:auto; min-width:50%; margin:6px 0 4px; font-size:13px; } table.fields td, table.fields th { padding:4px 10px; }
        .check.pass { background:var(--okbg); color:var(--ok); } .check.warn { background:#fff4d6; color:#8a5a00; } .check.fail { background:#fde2e2; color:#a11b1b; font-weight:600; }
        .badge.ok { background:var(--okbg); color:var(--ok); } .badge.warning { background:#fff4d6; color:#8a5a00; } .badge.drift { background:#fde2e2; color:#a11b1b; font-weight:600; } .badge.not-compared { background:var(--chip); color:var(--muted); }
        .panel.is-blocked { border-color:#f0a3a3; background:#fff6f6; }
        .checks { margin-top:8px; display:flex; flex-wrap:wrap; gap:4px; } ul.failures { margin:8px 0 0; padding-left:18px; }
        table.profile { margin-top:12px; } table.profile td { vertical-align:middle; } .range { font-size:11px; }
        svg.chart { display:block; overflow:visible; } svg.chart rect { fill:#6f8fd8; } svg.chart rect:hover { fill:var(--accent); } svg.chart line.axis { stroke:var(--line); }
        svg.sparkline polyline { fill:none; stroke:var(--accent); stroke-width:1.5; } svg.sparkline line.threshold { stroke:#d97777; stroke-dasharray:3 3; }
        svg.sparkline circle.ok { fill:var(--ok); } svg.sparkline circle.warning { fill:#c58a00; } svg.sparkline circle.drift { fill:#a11b1b; } svg.sparkline circle.not-compared { fill:var(--muted); }
        footer { color:var(--muted); font-size:12px; padding-top:4px; padding-bottom:24px; }
        """;
}
