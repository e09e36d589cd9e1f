//! The page: escaping, the stylesheet, sections, tables and charts with their captions, and
//! the per-group bar chart (the one picture the scatter-and-curve plot model does not draw).

use crate::plot::palette::{INK, Style};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value with `digits` decimals, `-` when undefined.
pub fn num(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "-".into()
    }
}

/// Mean ± sd with `digits` decimals (`-` for an undefined mean, the mean alone for an
/// undefined sd).
pub fn pm(mean: f64, sd: f64, digits: usize) -> String {
    match (mean.is_finite(), sd.is_finite()) {
        (false, _) => "-".into(),
        (true, false) => format!("{mean:.digits$}"),
        (true, true) => format!("{mean:.digits$} ± {sd:.digits$}"),
    }
}

/// Inline stylesheet: system fonts only, nothing fetched.
const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;\
max-width:1200px;margin:0 auto;padding:1.5em;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}\
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#f2f2f2}\
caption{text-align:left;font-weight:600;padding:.3em 0}\
figure{margin:1.2em 0}figure svg{max-width:100%;height:auto}\
figcaption{font-size:.92em;color:#444;max-width:60em}\
.how{background:#f6f8fa;border-left:4px solid #6699cc;padding:.5em .8em;margin-top:.5em}\
.cards{display:flex;flex-wrap:wrap;gap:1em}\
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;width:22em}\
.card h3{margin:.2em 0 .4em}.card dl{margin:0}.card dt{font-weight:600}\
.card dd{margin:0 0 .4em 0}.pass{color:#117733}.fail{color:#aa2222}\
.inconclusive{color:#996600}pre{background:#f6f8fa;padding:.6em;overflow:auto}\
.warn{color:#8a5300}#table-config td{text-align:left}summary{cursor:pointer}";

/// An HTML page under construction.
pub struct Page {
    title: String,
    body: String,
}

impl Page {
    /// A page with `title` (the `<title>` and the `<h1>`) and a subtitle line.
    pub fn new(title: &str, subtitle: &str) -> Self {
        Page {
            title: title.into(),
            body: format!("<h1>{}</h1>\n<p>{}</p>\n", escape(title), escape(subtitle)),
        }
    }

    /// A section heading with an id.
    pub fn section(&mut self, id: &str, heading: &str) {
        self.body.push_str(&format!(
            "<h2 id=\"{}\">{}</h2>\n",
            escape(id),
            escape(heading)
        ));
    }

    /// A paragraph of plain text.
    pub fn para(&mut self, text: &str) {
        self.body.push_str(&format!("<p>{}</p>\n", escape(text)));
    }

    /// Preformatted text (e.g. the configuration file), folded under a summary line that
    /// opens it (plain HTML, no script).
    pub fn folded(&mut self, summary: &str, text: &str) {
        self.body.push_str(&format!(
            "<details><summary>{}</summary><pre>{}</pre></details>\n",
            escape(summary),
            escape(text.trim_end())
        ));
    }

    /// A bullet list of plain-text items.
    pub fn list(&mut self, class: &str, items: &[String]) {
        self.body
            .push_str(&format!("<ul class=\"{}\">\n", escape(class)));
        for i in items {
            self.body.push_str(&format!("<li>{}</li>\n", escape(i)));
        }
        self.body.push_str("</ul>\n");
    }

    /// A table with an id, a caption, a header row and body rows; every cell is escaped.
    pub fn table(&mut self, id: &str, caption: &str, headers: &[&str], rows: &[Vec<String>]) {
        let b = &mut self.body;
        b.push_str(&format!(
            "<table id=\"{}\">\n<caption>{}</caption>\n<thead><tr>",
            escape(id),
            escape(caption)
        ));
        for h in headers {
            b.push_str(&format!("<th>{}</th>", escape(h)));
        }
        b.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            b.push_str("<tr>");
            for c in row {
                b.push_str(&format!("<td>{}</td>", escape(c)));
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</tbody>\n</table>\n");
    }

    /// A chart: the SVG document `svg` inline in a figure with an id, and its plain-language
    /// "how to read this" under it.
    pub fn chart(&mut self, id: &str, svg: &str, how_to_read: &str) {
        let svg = match svg.find("<svg") {
            Some(i) => &svg[i..],
            None => svg,
        };
        self.body.push_str(&format!(
            "<figure id=\"{}\" class=\"chart\">\n{}\n<figcaption class=\"how\"><b>How to read \
             this.</b> {}</figcaption>\n</figure>\n",
            escape(id),
            svg.trim_end(),
            escape(how_to_read)
        ));
    }

    /// A method card: a heading and a list of (term, description) pairs.
    pub fn card(&mut self, heading: &str, items: &[(&str, String)]) {
        self.body.push_str(&format!(
            "<div class=\"card\"><h3>{}</h3><dl>",
            escape(heading)
        ));
        for (t, d) in items {
            self.body
                .push_str(&format!("<dt>{}</dt><dd>{}</dd>", escape(t), escape(d)));
        }
        self.body.push_str("</dl></div>\n");
    }

    /// Opens (`true`) or closes the flex box that holds cards.
    pub fn cards(&mut self, open: bool) {
        self.body.push_str(if open {
            "<div class=\"cards\">\n"
        } else {
            "</div>\n"
        });
    }

    /// A status line with a class (`pass`, `fail`, `inconclusive`).
    pub fn status(&mut self, class: &str, text: &str) {
        self.body.push_str(&format!(
            "<p class=\"{}\"><b>{}</b></p>\n",
            escape(class),
            escape(text)
        ));
    }

    /// The whole document.
    pub fn finish(self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{}\
             <footer><p>Written by fairkit. This page is self-contained: it loads no script, \
             font or image.</p></footer>\n</body>\n</html>\n",
            escape(&self.title),
            self.body
        )
    }
}

/// Horizontal grouped bars: for each category (a method, or a rate), one bar per group, in
/// `[0, 1]`; `values[c][g]` is group `g`'s value in category `c` (NaN: no bar, `-` written).
/// Colours follow the plot palette by group, named in a legend above the bars.
pub fn bar_chart(
    title: &str,
    categories: &[String],
    groups: &[String],
    values: &[Vec<f64>],
) -> String {
    const LEFT: f64 = 230.0;
    const PLOT_W: f64 = 480.0;
    const BAR_H: f64 = 14.0;
    const GAP: f64 = 12.0;
    let legend_rows = groups.len().div_ceil(4).max(1);
    let top = 40.0 + 20.0 * legend_rows as f64;
    let block = BAR_H * groups.len().max(1) as f64 + GAP;
    let height = top + block * categories.len() as f64 + 40.0;
    let width = LEFT + PLOT_W + 70.0;
    let ink = INK.hex();
    let mut s = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\">\n\
         <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n\
         <text x=\"{}\" y=\"22\" font-size=\"16\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>\n",
        width / 2.0,
        escape(title)
    );
    for (g, name) in groups.iter().enumerate() {
        let x = LEFT + (g % 4) as f64 * 125.0;
        let y = 40.0 + 20.0 * (g / 4) as f64;
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{ink}\">{}</text>\n",
            y - 10.0,
            Style::nth(g).colour.hex(),
            x + 16.0,
            y,
            escape(&fairkit_core::text::ellipsize(name, 16))
        ));
    }
    let bottom = height - 40.0;
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let x = LEFT + v * PLOT_W;
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"#dddddd\"/>\
             <text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{ink}\">{v:.2}</text>\n",
            bottom + 16.0
        ));
    }
    for (c, category) in categories.iter().enumerate() {
        let y0 = top + block * c as f64 + GAP / 2.0;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"{ink}\">{}</text>\n",
            LEFT - 8.0,
            y0 + block / 2.0 - GAP / 2.0 + 4.0,
            escape(&fairkit_core::text::ellipsize(category, 32))
        ));
        for g in 0..groups.len() {
            let v = values
                .get(c)
                .and_then(|r| r.get(g))
                .copied()
                .unwrap_or(f64::NAN);
            let y = y0 + BAR_H * g as f64;
            if v.is_finite() {
                let w = v.clamp(0.0, 1.0) * PLOT_W;
                s.push_str(&format!(
                    "<rect x=\"{LEFT}\" y=\"{y}\" width=\"{w:.2}\" height=\"{}\" fill=\"{}\"/>",
                    BAR_H - 2.0,
                    Style::nth(g).colour.hex()
                ));
            }
            s.push_str(&format!(
                "<text x=\"{:.2}\" y=\"{}\" font-size=\"10\" fill=\"{ink}\">{}</text>\n",
                LEFT + if v.is_finite() {
                    v.clamp(0.0, 1.0) * PLOT_W
                } else {
                    0.0
                } + 4.0,
                y + BAR_H - 4.0,
                num(v, 3)
            ));
        }
    }
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{top}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"{ink}\"/>\n</svg>\n"
    ));
    s
}
