/**
 * The ops page: a shell with no data of its own (the script fetches it with the admin key), no
 * outside scripts, fonts or styles.
 */
export const OPS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>berth ops</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem;margin:0 0 .2rem}h2{font-size:1rem;margin:1.5rem 0 .4rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.8rem}
.tile{border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem}
.tile h3{font-size:.8rem;font-weight:normal;color:#555;margin:0}
.big{font-size:1.6rem;font-variant-numeric:tabular-nums}.small{color:#555;font-size:.8rem}
svg{width:100%;height:40px}polyline{fill:none;stroke:#36c;stroke-width:1.5}
table{border-collapse:collapse}th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:bold}
form{border:1px solid #ccc;padding:1rem;max-width:28rem;border-radius:6px}
</style></head>
<body>
<h1>berth ops</h1>
<div class="small" id="sources">connecting…</div>
<div class="small bad" id="status"></div>
<form id="key-form" hidden>
  <p id="key-why"></p>
  <label>Admin key <input name="key" type="password" autocomplete="off" size="32"></label>
  <button>Show</button>
</form>
<section class="tiles">
  <div class="tile"><h3>bookings</h3><div class="big" id="bookings-rate">–</div>
    <div class="small" id="bookings-total"></div><svg id="bookings-spark" viewBox="0 0 200 40" preserveAspectRatio="none"></svg></div>
  <div class="tile"><h3>confirmations</h3><div class="big" id="confirmations-rate">–</div>
    <div class="small" id="confirmations-total"></div><svg id="confirmations-spark" viewBox="0 0 200 40" preserveAspectRatio="none"></svg></div>
  <div class="tile"><h3>pending → confirmed, p50 (<span id="confirm-scope">–</span>)</h3><div class="big" id="confirm-p50">–</div>
    <div class="small" id="confirm-p99"></div></div>
  <div class="tile"><h3>5xx answers</h3><div class="big" id="errors-rate">–</div>
    <div class="small" id="errors-total"></div></div>
  <div class="tile"><h3>outbox backlog</h3><div class="big" id="outbox-backlog">–</div>
    <div class="small" id="outbox-age"></div></div>
</section>
<h2>Consumers</h2>
<table id="consumers"><thead><tr><th>service</th><th>streams</th><th class="num">lag</th>
<th class="num">oldest unacked</th><th class="num">dead letters</th></tr></thead><tbody></tbody></table>
<h2>Occupancy, held and sold</h2>
<table id="occupancy"><thead></thead><tbody></tbody></table>
<div class="small" id="occupancy-more"></div>
<script type="module" src="/ops/client.js"></script>
</body></html>
`;
