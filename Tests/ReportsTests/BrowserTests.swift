import Foundation
import Testing
@testable import Reports

/// report.html as a reader sees it: opened in a real headless Chromium,
/// every figure must look exactly as its own SVG does alone, and no id may
/// appear twice in the page (inline SVGs that share glyph and clip ids draw
/// each other's text).
@Suite(.enabled(if: ReportFixture.available("chromium"), "needs Debian's chromium (scripts/setup installs it)"))
struct BrowserTests {
    static let chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                           "--disable-lcd-text", "--font-render-hinting=none"]
    static let width = 1200

    /// Every figure's position in the laid-out page: (id, x, y, width, height) in CSS pixels, and the page height.
    static func probe(_ html: String, folder: String) throws -> (figures: [(String, Double, Double, Double, Double)], height: Int) {
        let script = """
        <script>
        const out = [document.documentElement.scrollHeight];
        for (const f of document.querySelectorAll('figure')) {
          const r = f.querySelector('svg').getBoundingClientRect();
          out.push([f.id, r.left + window.scrollX, r.top + window.scrollY, r.width, r.height].join(' '));
        }
        const p = document.createElement('pre'); p.id = 'probe'; p.textContent = 'PRO' + 'BE|' + out.join('|') + '|E' + 'ND';
        document.body.appendChild(p);
        </script>
        """
        let path = folder + "/probe.html"
        try html.replacingOccurrences(of: "</body>", with: script + "</body>").write(toFile: path, atomically: true, encoding: .utf8)
        let dom = try ReportFixture.run("chromium", chromium + ["--window-size=\(width),900", "--dump-dom", "file://" + path]).output
        guard let start = dom.range(of: "PROBE|"), let end = dom.range(of: "|END", range: start.upperBound..<dom.endIndex) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let parts = dom[start.upperBound..<end.lowerBound].split(separator: "|").map(String.init)
        let figures = parts.dropFirst().map { line -> (String, Double, Double, Double, Double) in
            let f = line.split(separator: " ").map(String.init)
            return (f[0], Double(f[1])!, Double(f[2])!, Double(f[3])!, Double(f[4])!)
        }
        return (figures, Int(parts[0]) ?? 2000)
    }

    /// Checks a report folder: nil when every figure renders as alone, else what differs.
    static func check(_ folder: String) throws -> [String] {
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        var problems: [String] = []
        // No id twice.
        let ids = try NSRegularExpression(pattern: " id=\"([^\"]+)\"").matches(in: html, range: NSRange(html.startIndex..., in: html))
            .map { String(html[Range($0.range(at: 1), in: html)!]) }
        let repeated = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !repeated.isEmpty { problems.append("\(repeated.count) ids appear more than once, e.g. \(repeated.prefix(3).joined(separator: ", "))") }

        let scratch = ReportFixture.temporaryDirectory()
        let (figures, height) = try probe(html, folder: folder)
        if figures.isEmpty { problems.append("no figures in the page") }
        let page = scratch + "/page.png"
        _ = try ReportFixture.run("chromium", chromium + ["--window-size=\(width),\(height)", "--screenshot=" + page, "file://" + folder + "/report.html"])
        guard let shot = Raster(png: page) else { return problems + ["no screenshot of the page"] }
        // The inline markup of every figure, to draw it again on a page of its own.
        let figureMarkup = try NSRegularExpression(pattern: "<figure id=\"([^\"]+)\"[^>]*>.*?(<svg.*?</svg>)", options: [.dotMatchesLineSeparators])
        var svgs: [String: String] = [:]
        for m in figureMarkup.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            svgs[String(html[Range(m.range(at: 1), in: html)!])] = String(html[Range(m.range(at: 2), in: html)!])
        }
        for (id, x, y, w, h) in figures {
            guard let svg = svgs[id] else { problems.append("\(id): no markup"); continue }
            // The same subpixel offset alone as in the page, so both rasterise alike.
            let (fx, fy) = (x - x.rounded(.down), y - y.rounded(.down))
            let alone = scratch + "/\(id).html"
            try """
            <!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0} svg{display:block;width:\(w)px;height:\(h)px}</style></head>
            <body><div style="position:absolute;left:\(fx)px;top:\(fy)px">\(svg)</div></body></html>
            """.write(toFile: alone, atomically: true, encoding: .utf8)
            let png = scratch + "/\(id).png"
            _ = try ReportFixture.run("chromium", chromium + ["--window-size=\(Int(w.rounded(.up)) + 2),\(Int(h.rounded(.up)) + 2)", "--screenshot=" + png, "file://" + alone])
            guard let single = Raster(png: png) else { problems.append("\(id): no screenshot alone"); continue }
            let d = shot.difference(single, x0: Int(x.rounded(.down)), y0: Int(y.rounded(.down)), x1: 0, y1: 0,
                                    w: Int(w.rounded(.down)), h: Int(h.rounded(.down)))
            if d > 0.002 { problems.append("\(id): \(String(format: "%.2f", 100 * d)) % of its pixels differ from the same SVG drawn alone") }
        }
        return problems
    }

    @Test func everyFigureRendersInTheBrowserExactlyAsItsSVGAlone() throws {
        // FFBENCH_CHECK_REPORT=folder checks another report (e.g. one from an older ffbench).
        let folder = try ProcessInfo.processInfo.environment["FFBENCH_CHECK_REPORT"] ?? ReportFixture.report(try ReportFixture.store())
        let problems = try Self.check(folder)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
