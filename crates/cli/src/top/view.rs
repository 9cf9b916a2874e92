//! How `rvsadm top` draws the model: the table of services and their
//! destinations, or one service's detail with its rate history as
//! sparklines; a status line above and the keys below. The plain-text mode
//! draws the same table into a buffer and prints it.

use super::model::{Column, Daemon, Model, Rates, Row};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline, Table, Widget};

/// The keys, as the footer shows them.
pub const KEYS: &str = " q quit  p pause  / filter  1-9 sort by column  r reverse  \u{2191}\u{2193} select  enter detail  esc back";

/// What the view knows besides the model.
pub struct Frame<'a> {
    /// Seconds between refreshes.
    pub interval: f64,
    /// rvsadmd's control socket.
    pub socket: &'a str,
}

/// Draw the whole screen into `buf` over `area` (with the footer of keys).
pub fn draw(area: Rect, buf: &mut Buffer, m: &Model, f: &Frame) {
    let [top, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    Line::from(status(m, f)).render(top, buf);
    match &m.detail {
        Some(key) => detail(body, buf, m, key),
        None => table(&m.rows(), m, m.selected.as_deref()).render(body, buf),
    }
    footer(m).render(foot, buf);
}

/// The table as text, `width` columns wide, for a stdout that is not a
/// terminal: the status line and every row, no keys, no trailing blanks.
pub fn text(m: &Model, f: &Frame, width: u16) -> String {
    let rows = m.rows();
    let height = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    Line::from(status(m, f)).render(top, &mut buf);
    table(&rows, m, None).render(body, &mut buf);
    lines(&buf)
}

/// A buffer's lines, trailing blanks cut.
pub fn lines(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in a.top()..a.bottom() {
        let line: String = (a.left()..a.right())
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn status(m: &Model, f: &Frame) -> String {
    let (nsvc, ndest) = m.reading().map_or((0, 0), |r| {
        (
            r.services.len(),
            r.services.iter().map(|s| s.dests.len()).sum::<usize>(),
        )
    });
    let daemon = match &m.daemon {
        Daemon::NotAsked => String::from("rvsadmd: not asked yet"),
        Daemon::Absent(_) => format!("rvsadmd: no answer at {}", f.socket),
        Daemon::Status(_) => format!("rvsadmd: {}", f.socket),
    };
    // What the person set first: the end of a long line may be cut.
    let mut s = String::from("rvsadm top  ");
    if m.paused {
        s.push_str("PAUSED  ");
    }
    if !m.filter.is_empty() {
        s.push_str(&format!("filter: {}  ", m.filter));
    }
    if let Some(e) = &m.error {
        s.push_str(&format!("read failed: {e}  "));
    }
    s += &format!(
        "{nsvc} services, {ndest} destinations, rates over {}s  {daemon}",
        f.interval
    );
    s
}

fn footer(m: &Model) -> Line<'static> {
    let text = match &m.prompt {
        Some(p) => format!(" filter: {p}_   enter keep  esc clear"),
        None => KEYS.to_string(),
    };
    Line::styled(text, Style::new().add_modifier(Modifier::REVERSED))
}

/// The name column takes what is left; each other fits its heading
/// (`5:CONN/S` and the sort mark) and its figures.
fn widths() -> Vec<Constraint> {
    Column::ALL
        .iter()
        .map(|c| match c {
            Column::Name => Constraint::Min(26),
            c => Constraint::Length(u16::try_from(c.title().len() + 3).unwrap_or(12).max(8)),
        })
        .collect()
}

fn header(m: &Model) -> ratatui::widgets::Row<'static> {
    let cells = Column::ALL.iter().enumerate().map(|(i, c)| {
        let mark = match (m.sort == *c, m.descending) {
            (false, _) => "",
            (true, true) => "\u{25bc}",
            (true, false) => "\u{25b2}",
        };
        format!("{}:{}{mark}", i + 1, c.title())
    });
    ratatui::widgets::Row::new(cells).style(Style::new().add_modifier(Modifier::BOLD))
}

fn table<'a>(rows: &[Row], m: &Model, selected: Option<&str>) -> Table<'a> {
    let body = rows.iter().map(|r| {
        let row = ratatui::widgets::Row::new(cells(r));
        match (&r.dest, selected) {
            (None, Some(s)) if s == r.service => {
                row.style(Style::new().add_modifier(Modifier::REVERSED))
            }
            (None, _) => row.style(Style::new().add_modifier(Modifier::BOLD)),
            _ => row,
        }
    });
    Table::new(body, widths()).header(header(m))
}

fn cells(r: &Row) -> Vec<String> {
    let name = match &r.dest {
        Some(d) => format!("  -> {d}"),
        None => r.service.clone(),
    };
    let rate = |f: fn(&Rates) -> f64| r.rates.as_ref().map_or("-".into(), |x| human(f(x)));
    let daemon = |v: &Option<String>| v.clone().unwrap_or_else(|| "n/a".into());
    vec![
        name,
        r.weight.map_or(String::new(), |w| w.to_string()),
        r.active.to_string(),
        r.inactive.to_string(),
        rate(|x| x.cps),
        rate(Rates::pps),
        rate(Rates::bps),
        daemon(&r.health),
        if r.dest.is_some() {
            daemon(&r.admin)
        } else {
            String::new()
        },
    ]
}

/// A rate in at most 6 characters: `0.0`, `25.3`, `1.2K`, `45.0M`.
pub fn human(v: f64) -> String {
    const UNITS: [&str; 5] = ["", "K", "M", "G", "T"];
    let mut v = v;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1}{}", UNITS[unit])
}

fn detail(area: Rect, buf: &mut Buffer, m: &Model, key: &str) {
    let [info, dests, cps, bps] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(6),
        Constraint::Length(6),
    ])
    .areas(area);
    let Some(s) = m.service(key) else {
        Line::from(format!("{key}: no longer in the table (esc: back)")).render(info, buf);
        return;
    };
    let r = m.service_rates(key).unwrap_or_default();
    let text = vec![
        Line::from(format!(
            "{key}  scheduler {}  {} connections, {} packets in, {} out, {} bytes in, {} out (since the counters were zeroed)",
            s.scheduler, s.counters.conns, s.counters.inpkts, s.counters.outpkts,
            s.counters.inbytes, s.counters.outbytes
        )),
        Line::from(format!(
            "now: {} conn/s  {} pkt/s in  {} pkt/s out  {} B/s in  {} B/s out",
            human(r.cps), human(r.inpps), human(r.outpps), human(r.inbps), human(r.outbps)
        )),
    ];
    Paragraph::new(text).render(info, buf);
    table(&m.dest_rows(key), m, None).render(dests, buf);
    let history = m.history(key);
    chart("conn/s", history.iter().map(|x| x.cps).collect(), cps, buf);
    chart(
        "bytes/s",
        history.iter().map(Rates::bps).collect(),
        bps,
        buf,
    );
}

/// A sparkline of `values` (oldest first, the newest at the right edge).
fn chart(what: &str, values: Vec<f64>, area: Rect, buf: &mut Buffer) {
    let max = values.iter().copied().fold(0.0, f64::max);
    let now = values.last().copied().unwrap_or(0.0);
    let title = format!(
        " {what} history, {} refreshes: now {}, max {} ",
        values.len(),
        human(now),
        human(max)
    );
    let block = Block::new().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let start = values.len().saturating_sub(width);
    // Sparkline takes integers: hundredths keep small rates visible.
    let data: Vec<u64> = values[start..]
        .iter()
        .map(|v| (v * 100.0).round() as u64)
        .collect();
    Sparkline::default().data(&data).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::top::model::{Counters, DestReading, Reading, ServiceReading};

    fn model() -> Model {
        let mut m = Model::default();
        for (at, conns) in [(0.0, 0), (1.0, 10), (2.0, 30)] {
            m.update(Reading {
                at,
                services: vec![ServiceReading {
                    key: "tcp:192.0.2.1:80".into(),
                    scheduler: "rr".into(),
                    counters: Counters {
                        conns,
                        inbytes: conns * 1000,
                        ..Counters::default()
                    },
                    dests: vec![DestReading {
                        addr: "10.0.0.1:80".into(),
                        weight: 1,
                        active: 3,
                        inactive: 1,
                        counters: Counters {
                            conns,
                            ..Counters::default()
                        },
                    }],
                }],
            });
        }
        m.daemon = Daemon::Absent("no socket".into());
        m
    }

    const F: Frame = Frame {
        interval: 1.0,
        socket: "/run/rvsadmd.sock",
    };

    #[test]
    fn plain_text_has_the_rows_and_says_the_daemon_is_absent() {
        let t = text(&model(), &F, 120);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(
            lines[0].contains("rvsadmd: no answer at /run/rvsadmd.sock"),
            "{t}"
        );
        assert!(
            lines[1].starts_with("1:SERVICE / DESTINATION\u{25b2}"),
            "{t}"
        );
        let svc: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(
            svc,
            ["tcp:192.0.2.1:80", "3", "1", "20.0", "0.0", "20.0K", "n/a"]
        );
        let d: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(
            d,
            [
                "->",
                "10.0.0.1:80",
                "1",
                "3",
                "1",
                "20.0",
                "0.0",
                "0.0",
                "n/a",
                "n/a"
            ]
        );
    }

    #[test]
    fn detail_shows_the_history_as_a_chart() {
        let mut m = model();
        m.detail = Some("tcp:192.0.2.1:80".into());
        let area = Rect::new(0, 0, 100, 24);
        let mut buf = Buffer::empty(area);
        draw(area, &mut buf, &m, &F);
        let t = lines(&buf);
        assert!(
            t.contains("conn/s history, 2 refreshes: now 20.0, max 20.0"),
            "{t}"
        );
        assert!(t.contains("scheduler rr"), "{t}");
        // Two bars: 10 then 20 conn/s, the second full height.
        assert!(t.contains('\u{2588}'), "{t}");
        assert!(t.lines().last().unwrap().contains("q quit"), "{t}");
    }

    #[test]
    fn rates_are_short() {
        assert_eq!(human(0.0), "0.0");
        assert_eq!(human(999.94), "999.9");
        assert_eq!(human(1234.0), "1.2K");
        assert_eq!(human(45_000_000.0), "45.0M");
        assert_eq!(human(3e15), "3000.0T");
    }
}
