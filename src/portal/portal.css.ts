/** The portal's only style sheet, served as a file so the CSP can refuse inline styles. */
export const PORTAL_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#0f172a;background:#f8fafc}
header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1.2rem;background:#0f172a;color:#f8fafc}
header h1{font-size:1.1rem;margin:0}header a{color:#f8fafc;text-decoration:none}
.who button{margin-left:.5rem}
main{padding:1rem 1.2rem;max-width:1200px}
footer{padding:1rem 1.2rem;color:#64748b;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem;background:#fff}
th,td{border:1px solid #e2e8f0;padding:.45rem .6rem;text-align:left;vertical-align:top}
thead th{background:#f1f5f9;font-weight:600}
.muted{color:#64748b;font-size:.85rem}.empty{color:#64748b;font-style:italic}
.tag{font-size:.7rem;background:#fee2e2;color:#991b1b;border-radius:3px;padding:0 .3rem}
.state{font-size:.8rem;border-radius:3px;padding:0 .35rem;background:#e2e8f0}
.state-success{background:#dcfce7;color:#166534}.state-failure,.state-error{background:#fee2e2;color:#991b1b}
.state-queued,.state-in_progress{background:#fef9c3;color:#854d0e}
.links,.change{font-size:.85rem;margin-top:.2rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:.8rem;margin:.5rem 0 1rem}
.tile{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:.7rem;margin:0}
.tile figcaption{font-weight:600}.figure{font-size:1.6rem;font-weight:700}
.chart{display:block;margin-top:.4rem;max-width:100%}
.windows{font-size:.85rem;font-weight:400;margin-left:.6rem}.windows a,.windows strong{margin-right:.3rem}
.how{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:.6rem .8rem;margin-top:1rem}
.how dt{font-weight:600;margin-top:.4rem}.how dd{margin-left:1rem}
.button{display:inline-block;background:#0f172a;color:#fff;padding:.5rem .9rem;border-radius:6px;text-decoration:none}
.notice{background:#fef9c3;padding:.5rem;border-radius:4px}
`;
