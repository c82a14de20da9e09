import CCairo
import CPangoCairo
import Foundation

/// Draws a chart on a Cairo context in points: axes with nice ticks, the
/// data, and a legend placed in the plot corner that covers the least data
/// (outside the plot, to the right, when every corner would hide some).
enum Renderer {
    struct Frame {
        var left: Double, top: Double, width: Double, height: Double
        var xMin: Double, xMax: Double, yMin: Double, yMax: Double
        func x(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * width }
        func y(_ v: Double) -> Double { top + height - (v - yMin) / (yMax - yMin) * height }
    }

    static func draw(_ chart: Chart, on cr: OpaquePointer) {
        let l = ChartLayout(chart, cr: cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        paintLabels(l, cr: cr)
        paintGrid(l, cr: cr)
        paintData(l, cr: cr)
        drawLegend(l.chart, cr: cr, frame: l.frame, corner: l.legendCorner)
    }

    /// The title and the axis labels.
    static func paintLabels(_ l: ChartLayout, cr: OpaquePointer) {
        let font = Typeface.size, size = l.chart.size, frame = l.frame
        if let title = l.chart.title {
            let (x, fitted) = fit(cr, title, centre: frame.left + frame.width / 2, within: 5, size.width - 5, size: font + 1, bold: true)
            text(cr, title, x: x, y: 3, size: fitted, anchor: .topCenter, bold: true)
        }
        text(cr, l.chart.xLabel, x: frame.left + frame.width / 2, y: size.height - 3, size: font, anchor: .bottomCenter)
        cairo_save(cr)
        let (y, fitted) = fit(cr, l.chart.yLabel, centre: frame.top + frame.height / 2, within: 2, size.height - 2, size: font)
        cairo_translate(cr, 3, y)
        cairo_rotate(cr, -Double.pi / 2)
        text(cr, l.chart.yLabel, x: 0, y: 0, size: fitted, anchor: .topCenter)
        cairo_restore(cr)
    }

    /// Grid lines, ticks and tick labels, and the plot's frame.
    static func paintGrid(_ l: ChartLayout, cr: OpaquePointer) {
        let font = Typeface.size, frame = l.frame
        cairo_set_line_width(cr, 0.4)
        let yStep = l.yTicks.count > 1 ? l.yTicks[1] - l.yTicks[0] : 1
        for t in l.yTicks {
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88)
            cairo_move_to(cr, frame.left, frame.y(t)); cairo_line_to(cr, frame.left + frame.width, frame.y(t)); cairo_stroke(cr)
            text(cr, l.logLog ? Ticks.logLabel(t) : Ticks.label(t, step: yStep), x: frame.left - 3, y: frame.y(t), size: font, anchor: .middleRight)
        }
        let xStep = l.xTicks.count > 1 ? l.xTicks[1] - l.xTicks[0] : 1
        for (i, t) in l.xTicks.enumerated() {
            let label = !l.categories.isEmpty ? l.categories[i] : l.logLog ? Ticks.logLabel(t) : Ticks.label(t, step: xStep)
            if l.slantedLabels {
                // Rotated 40° about the label's top-right corner, which sits under the tick.
                cairo_save(cr)
                cairo_translate(cr, frame.x(t) + 3, frame.top + frame.height + 3)
                cairo_rotate(cr, -40 * Double.pi / 180)
                text(cr, label, x: 0, y: 0, size: font, anchor: .topRight)
                cairo_restore(cr)
            } else {
                text(cr, label, x: frame.x(t), y: frame.top + frame.height + 3, size: font, anchor: .topCenter)
            }
        }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, 0.6)
        cairo_rectangle(cr, frame.left, frame.top, frame.width, frame.height)
        cairo_stroke(cr)
    }

    /// Reference lines and every series, clipped to the plot, then the reference lines' labels.
    static func paintData(_ l: ChartLayout, cr: OpaquePointer) {
        let chart = l.chart, frame = l.frame
        cairo_save(cr)
        cairo_rectangle(cr, frame.left, frame.top, frame.width, frame.height)
        cairo_clip(cr)
        for line in chart.referenceLines {
            let y = frame.y(l.logLog ? log10(line.y) : line.y)
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
            cairo_set_line_width(cr, 0.8)
            var dash: [Double] = [3, 2]
            cairo_set_dash(cr, &dash, 2, 0)
            cairo_move_to(cr, frame.left, y); cairo_line_to(cr, frame.left + frame.width, y); cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
        }
        let tops: [[Point]]
        if case .timeline(let stacked) = chart.kind { tops = stackTops(chart.series.prefix(stacked)) } else { tops = [] }
        let stackedCount: Int
        if case .stackedBars(_, let stacked) = chart.kind { stackedCount = stacked } else { stackedCount = 0 }
        for (index, s) in chart.series.enumerated() {
            let c = style(s, index).color, m = style(s, index).marker
            let slot = slot(chart, index)
            switch chart.kind {
            case .line: drawLine(cr, s, c, frame, marker: m)
            case .dots: drawDots(cr, s, c, frame, offset: slot.offset, marker: m)
            case .box: drawBox(cr, s, c, frame, offset: slot.offset, halfWidth: slot.halfWidth)
            case .timeline:
                if index < tops.count {
                    drawArea(cr, top: tops[index], bottom: index > 0 ? tops[index - 1] : nil, c, frame)
                } else {
                    drawLine(cr, s, c, frame, marker: nil)
                }
            case .logLog: drawScatter(cr, s, c, frame, marker: m, earlier: chart.series.prefix(index))
            case .stackedBars:
                if index < stackedCount {
                    drawBarSegments(cr, chart.series.prefix(stackedCount), index: index, c, frame)
                } else {
                    drawBarMarkers(cr, s, c, frame, marker: m)
                }
            }
        }
        cairo_restore(cr)
        for line in chart.referenceLines {
            let y = frame.y(l.logLog ? log10(line.y) : line.y)
            text(cr, line.label, x: frame.left + frame.width - 2, y: y - Typeface.size * 0.75, size: Typeface.size - 0.5, anchor: .middleRight)
        }
    }

    /// A series' colour and marker: its own, or the palette's for its name.
    static func style(_ s: Series, _ index: Int) -> (color: RGB, marker: Marker) {
        (s.color ?? Palette.color(for: s.name, index: index), s.marker ?? Palette.marker(for: s.name, index: index))
    }

    static func drawMarker(_ cr: OpaquePointer, _ m: Marker, x: Double, y: Double, size r: Double) {
        guard x.isFinite, y.isFinite else { return }
        cairo_new_sub_path(cr)
        switch m {
        case .circle: cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
        case .square: cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7)
        case .triangle:
            cairo_move_to(cr, x, y - r * 1.15); cairo_line_to(cr, x + r, y + r * 0.7); cairo_line_to(cr, x - r, y + r * 0.7); cairo_close_path(cr)
        case .invertedTriangle:
            cairo_move_to(cr, x, y + r * 1.15); cairo_line_to(cr, x + r, y - r * 0.7); cairo_line_to(cr, x - r, y - r * 0.7); cairo_close_path(cr)
        case .diamond:
            cairo_move_to(cr, x, y - r * 1.2); cairo_line_to(cr, x + r, y); cairo_line_to(cr, x, y + r * 1.2); cairo_line_to(cr, x - r, y); cairo_close_path(cr)
        case .cross:
            let w = r * 0.4
            cairo_rectangle(cr, x - r, y - w, 2 * r, 2 * w)
            cairo_rectangle(cr, x - w, y - r, 2 * w, 2 * r)
        }
        cairo_fill(cr)
    }

    /// The y axis: the data with their bands, error bars, individual values,
    /// stacks and reference lines, from zero when asked, out to whole ticks.
    static func yAxis(_ chart: Chart, logLog: Bool) -> (Double, Double, [Double]) {
        var ys: [Double] = []
        for s in chart.series {
            for p in s.points {
                ys.append(p.y)
                if let l = p.low { ys.append(l) }
                if let h = p.high { ys.append(h) }
                ys.append(contentsOf: p.values)
            }
        }
        if case .timeline(let stacked) = chart.kind { ys += stackTops(chart.series.prefix(stacked)).flatMap { $0.map(\.y) } + [0] }
        if case .stackedBars(_, let stacked) = chart.kind { ys += barTops(chart.series.prefix(stacked)).values + [0] }
        ys += chart.referenceLines.map { logLog ? log10($0.y) : $0.y }
        if chart.yFromZero && !logLog { ys.append(0) }
        ys = ys.filter(\.isFinite)
        return logLog ? Ticks.logRange(min: ys.min() ?? 0, max: ys.max() ?? 1) : Ticks.range(min: ys.min() ?? 0, max: ys.max() ?? 1)
    }

    static func drawLine(_ cr: OpaquePointer, _ s: Series, _ c: RGB, _ f: Frame, marker: Marker?) {
        let banded = s.points.filter { $0.low != nil && $0.high != nil && $0.low!.isFinite && $0.high!.isFinite }
        if banded.count >= 2 {
            cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.22)
            cairo_move_to(cr, f.x(banded[0].x), f.y(banded[0].high!))
            for p in banded.dropFirst() { cairo_line_to(cr, f.x(p.x), f.y(p.high!)) }
            for p in banded.reversed() { cairo_line_to(cr, f.x(p.x), f.y(p.low!)) }
            cairo_close_path(cr)
            cairo_fill(cr)
        }
        cairo_set_source_rgb(cr, c.r, c.g, c.b)
        cairo_set_line_width(cr, 1.2)
        var started = false
        for p in s.points where p.x.isFinite && p.y.isFinite {
            if !started { cairo_move_to(cr, f.x(p.x), f.y(p.y)); started = true } else { cairo_line_to(cr, f.x(p.x), f.y(p.y)) }
        }
        cairo_stroke(cr)
        if let marker, s.points.count <= 60 {
            for p in s.points { drawMarker(cr, marker, x: f.x(p.x), y: f.y(p.y), size: 1.9) }
        }
    }

    static func drawDots(_ cr: OpaquePointer, _ s: Series, _ c: RGB, _ f: Frame, offset: Double, marker: Marker) {
        cairo_set_source_rgb(cr, c.r, c.g, c.b)
        for p in s.points where p.y.isFinite {
            let x = f.x(p.x + offset)
            cairo_set_line_width(cr, 0.5)
            for v in p.values {
                cairo_new_sub_path(cr)
                cairo_arc(cr, x + 5, f.y(v), 1.4, 0, 2 * Double.pi)
                cairo_stroke(cr)
            }
            if let l = p.low, let h = p.high {
                cairo_set_line_width(cr, 0.9)
                cairo_move_to(cr, x, f.y(l)); cairo_line_to(cr, x, f.y(h))
                cairo_move_to(cr, x - 2.5, f.y(l)); cairo_line_to(cr, x + 2.5, f.y(l))
                cairo_move_to(cr, x - 2.5, f.y(h)); cairo_line_to(cr, x + 2.5, f.y(h))
                cairo_stroke(cr)
            }
            drawMarker(cr, marker, x: x, y: f.y(p.y), size: 2.4)
        }
    }

    /// Each category's stacked total.
    static func barTops(_ series: ArraySlice<Series>) -> [Double: Double] {
        var tops: [Double: Double] = [:]
        for s in series { for p in s.points where p.y.isFinite { tops[p.x, default: 0] += p.y } }
        return tops
    }

    /// One stacked series' segment of every bar.
    static func drawBarSegments(_ cr: OpaquePointer, _ series: ArraySlice<Series>, index: Int, _ c: RGB, _ f: Frame) {
        let halfWidth = 0.32
        for p in series[series.startIndex + index].points where p.y.isFinite && p.y > 0 {
            let below = series.prefix(index).reduce(0.0) { sum, s in
                let v = s.points.first { $0.x == p.x }?.y ?? 0
                return sum + (v.isFinite ? v : 0)
            }
            let x0 = f.x(p.x - halfWidth), x1 = f.x(p.x + halfWidth)
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            cairo_rectangle(cr, x0, f.y(below + p.y), x1 - x0, f.y(below) - f.y(below + p.y))
            cairo_fill_preserve(cr)
            cairo_set_source_rgb(cr, 1, 1, 1)
            cairo_set_line_width(cr, 0.4)
            cairo_stroke(cr)
        }
    }

    /// A marker series across its bars: a line the bar's width and a marker.
    static func drawBarMarkers(_ cr: OpaquePointer, _ s: Series, _ c: RGB, _ f: Frame, marker: Marker) {
        cairo_set_source_rgb(cr, c.r, c.g, c.b)
        for p in s.points where p.y.isFinite {
            cairo_set_line_width(cr, 1.4)
            cairo_move_to(cr, f.x(p.x - 0.4), f.y(p.y)); cairo_line_to(cr, f.x(p.x + 0.4), f.y(p.y)); cairo_stroke(cr)
            drawMarker(cr, marker, x: f.x(p.x + 0.4), y: f.y(p.y), size: 2.2)
        }
    }

    /// Cumulative sums of stacked series, point by point.
    static func stackTops(_ series: ArraySlice<Series>) -> [[Point]] {
        var tops: [[Point]] = []
        for s in series {
            let below = tops.last
            tops.append(s.points.enumerated().map { i, p in
                Point(x: p.x, y: p.y + (below.map { i < $0.count ? $0[i].y : 0 } ?? 0))
            })
        }
        return tops
    }

    static func drawArea(_ cr: OpaquePointer, top: [Point], bottom: [Point]?, _ c: RGB, _ f: Frame) {
        guard let first = top.first else { return }
        cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.55)
        cairo_move_to(cr, f.x(first.x), f.y(first.y))
        for p in top.dropFirst() { cairo_line_to(cr, f.x(p.x), f.y(p.y)) }
        if let bottom, !bottom.isEmpty {
            for p in bottom.reversed() { cairo_line_to(cr, f.x(p.x), f.y(p.y)) }
        } else {
            cairo_line_to(cr, f.x(top.last!.x), f.y(max(f.yMin, 0)))
            cairo_line_to(cr, f.x(first.x), f.y(max(f.yMin, 0)))
        }
        cairo_close_path(cr)
        cairo_fill(cr)
    }

    /// Quartiles by linear interpolation between order statistics (R's type 7).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let i = Int(h.rounded(.down))
        return i + 1 < sorted.count ? sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i]) : sorted[i]
    }

    static func drawBox(_ cr: OpaquePointer, _ s: Series, _ c: RGB, _ f: Frame, offset: Double, halfWidth: Double) {
        for p in s.points {
            let v = p.values.filter(\.isFinite).sorted()
            guard !v.isEmpty else { continue }
            let center = p.x + offset
            let q1 = quantile(v, 0.25), q2 = quantile(v, 0.5), q3 = quantile(v, 0.75)
            let reach = 1.5 * (q3 - q1)
            let low = v.first { $0 >= q1 - reach } ?? q1, high = v.last { $0 <= q3 + reach } ?? q3
            let x0 = f.x(center - halfWidth), x1 = f.x(center + halfWidth), xm = f.x(center)
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            cairo_set_line_width(cr, 0.8)
            cairo_rectangle(cr, x0, f.y(q3), x1 - x0, f.y(q1) - f.y(q3))
            cairo_move_to(cr, x0, f.y(q2)); cairo_line_to(cr, x1, f.y(q2))
            cairo_move_to(cr, xm, f.y(q3)); cairo_line_to(cr, xm, f.y(high))
            cairo_move_to(cr, xm, f.y(q1)); cairo_line_to(cr, xm, f.y(low))
            cairo_stroke(cr)
            // Every value, spread sideways in a fixed pattern so ties stay visible.
            cairo_set_line_width(cr, 0.5)
            for (i, value) in p.values.enumerated() where value.isFinite {
                let dx = (Double(i % 5) - 2) * (x1 - x0) / 6
                cairo_new_sub_path(cr)
                cairo_arc(cr, xm + dx, f.y(value), 1.3, 0, 2 * Double.pi)
                cairo_stroke(cr)
            }
        }
    }

    /// - Parameter earlier: the series drawn before, so that a label they
    ///   already put at (nearly) the same place is not written over again.
    static func drawScatter(_ cr: OpaquePointer, _ s: Series, _ c: RGB, _ f: Frame, marker: Marker, earlier: ArraySlice<Series> = []) {
        cairo_set_source_rgb(cr, c.r, c.g, c.b)
        if s.connected, let first = s.points.first {
            cairo_set_line_width(cr, 0.6)
            cairo_move_to(cr, f.x(first.x), f.y(first.y))
            for p in s.points.dropFirst() { cairo_line_to(cr, f.x(p.x), f.y(p.y)) }
            cairo_stroke(cr)
        }
        for p in s.points {
            // Every mark in the series' colour (a label's ink must not carry over to the next point).
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            drawMarker(cr, marker, x: f.x(p.x), y: f.y(p.y), size: 2.2)
            if p.ringed {
                cairo_set_line_width(cr, 0.8)
                cairo_new_sub_path(cr)
                cairo_arc(cr, f.x(p.x), f.y(p.y), 4.6, 0, 2 * Double.pi)
                cairo_stroke(cr)
            }
            guard let label = p.label else { continue }
            let written = earlier.contains { e in
                e.points.contains { q in q.label == label && hypot(f.x(q.x) - f.x(p.x), f.y(q.y) - f.y(p.y)) < 8 }
            }
            guard !written else { continue }
            // Left of the point where the label would run past the plot's right edge.
            let right = f.x(p.x) + 5 + measure(cr, label, size: 5.5).width > f.x(f.xMax)
            text(cr, label, x: f.x(p.x) + (right ? -5 : 5), y: f.y(p.y) - 3, size: 5.5, anchor: right ? .middleRight : .middleLeft)
        }
        cairo_set_source_rgb(cr, c.r, c.g, c.b)
        if let fit = s.fit {
            // Already in log space: log y = intercept + exponent * log x.
            cairo_set_line_width(cr, 1.0)
            cairo_move_to(cr, f.x(f.xMin), f.y(fit.intercept + fit.exponent * f.xMin))
            cairo_line_to(cr, f.x(f.xMax), f.y(fit.intercept + fit.exponent * f.xMax))
            cairo_stroke(cr)
        }
    }

    /// The chart in log10 space; points that are not positive are dropped.
    static func logarithmic(_ chart: Chart) -> Chart {
        var c = chart
        c.series = chart.series.map { s in
            Series(name: s.name, points: s.points.filter { $0.x > 0 && $0.y > 0 }.map { Point(x: log10($0.x), y: log10($0.y), label: $0.label, ringed: $0.ringed) },
                   fit: s.fit, color: s.color, marker: s.marker, connected: s.connected)
        }
        return c
    }

    // MARK: - Legend

    static func legendSize(_ chart: Chart, cr: OpaquePointer) -> (width: Double, height: Double) {
        let widest = chart.series.map { measure(cr, $0.name, size: Typeface.size).width }.max() ?? 0
        return (widest + 22, Double(chart.series.count) * Typeface.size * 1.4 + 4)
    }

    /// Where series `index` sits beside its category (or x): series side by
    /// side, every one inside its category's slot of width 1.
    static func slot(_ chart: Chart, _ index: Int) -> (offset: Double, halfWidth: Double) {
        let n = Double(chart.series.count)
        switch chart.kind {
        case .dots: return ((Double(index) - (n - 1) / 2) * min(0.18, 0.8 / n), 0.05)
        case .box:
            let spacing = min(0.29, 0.9 / n)
            return ((Double(index) - (n - 1) / 2) * spacing, min(0.1, spacing * 0.38))
        default: return (0, 0)
        }
    }

    /// Centre and font size for a line of text to fit between two bounds:
    /// moved inwards first, made smaller only when longer than the room.
    static func fit(_ cr: OpaquePointer, _ string: String, centre: Double, within low: Double, _ high: Double,
                    size: Double, bold: Bool = false) -> (centre: Double, size: Double) {
        let width = measure(cr, string, size: size, bold: bold).width, room = high - low
        guard width > room else { return (min(max(centre, low + width / 2), high - width / 2), size) }
        return ((low + high) / 2, size * room / width)
    }

    /// 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; nil when each covers data.
    static func legendCorner(_ chart: Chart, frame f: Frame, cr: OpaquePointer) -> Int? {
        // Stacked areas fill everything under their top: no corner is free.
        if case .timeline = chart.kind { return nil }
        if case .stackedBars = chart.kind { return nil }
        let (w, h) = legendSize(chart, cr: cr)
        var best: (corner: Int, hits: Int)?
        for corner in [1, 0, 3, 2] {
            let x0 = corner % 2 == 0 ? f.left + 4 : f.left + f.width - w - 4
            let y0 = corner < 2 ? f.top + 4 : f.top + f.height - h - 4
            var hits = 0
            func inside(_ y: Double) -> Bool { y >= y0 - 3 && y <= y0 + h + 3 }
            for (index, s) in chart.series.enumerated() {
                // A series drawn beside its category covers its slot, not just the category's centre.
                let slot = slot(chart, index)
                for p in s.points {
                    let xs = [p.x + slot.offset - slot.halfWidth, p.x + slot.offset, p.x + slot.offset + slot.halfWidth].map(f.x)
                    let across = xs.contains { $0 >= x0 - 3 && $0 <= x0 + w + 3 }
                        || (xs.min()! < x0 && xs.max()! > x0 + w)
                    for v in [p.y, p.low, p.high].compactMap({ $0 }) + p.values where across && inside(f.y(v)) { hits += 1 }
                }
            }
            // Reference lines run the plot's width; their labels sit just above them.
            for line in chart.referenceLines {
                let y = f.y(chart.kind == .logLog ? log10(line.y) : line.y)
                if inside(y) || inside(y - Typeface.size * 1.5) { hits += 1 }
            }
            if hits == 0 { return corner }
            if best == nil || hits < best!.hits { best = (corner, hits) }
        }
        return nil
    }

    static func drawLegend(_ chart: Chart, cr: OpaquePointer, frame f: Frame, corner: Int?) {
        guard chart.series.count > 1 || chart.series.first?.name.isEmpty == false else { return }
        let (w, h) = legendSize(chart, cr: cr)
        let x0: Double, y0: Double
        if let corner {
            x0 = corner % 2 == 0 ? f.left + 4 : f.left + f.width - w - 4
            y0 = corner < 2 ? f.top + 4 : f.top + f.height - h - 4
        } else {
            x0 = f.left + f.width + 8
            y0 = f.top
        }
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9)
        cairo_rectangle(cr, x0, y0, w, h)
        cairo_fill(cr)
        var areas = 0
        if case .timeline(let stacked) = chart.kind { areas = stacked }
        if case .stackedBars(_, let stacked) = chart.kind { areas = stacked }
        for (i, s) in chart.series.enumerated() {
            let (c, m) = style(s, i)
            let y = y0 + 2 + (Double(i) + 0.5) * Typeface.size * 1.4
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            if i < areas {
                cairo_rectangle(cr, x0 + 3, y - 3, 12, 6)
                cairo_fill(cr)
            } else {
                cairo_set_line_width(cr, 1.4)
                cairo_move_to(cr, x0 + 3, y); cairo_line_to(cr, x0 + 15, y); cairo_stroke(cr)
                if case .box = chart.kind {} else { drawMarker(cr, m, x: x0 + 9, y: y, size: 2.1) }
            }
            text(cr, s.name, x: x0 + 19, y: y, size: Typeface.size, anchor: .middleLeft)
        }
    }

    // MARK: - Text (Pango)

    enum Anchor { case topCenter, topRight, bottomCenter, middleLeft, middleRight }

    static func layout(_ cr: OpaquePointer, _ string: String, size: Double, bold: Bool = false) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        let description = pango_font_description_new()
        pango_font_description_set_family(description, Typeface.family)
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        if bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_text(layout, string, -1)
        return layout
    }

    static func measure(_ cr: OpaquePointer, _ string: String, size: Double, bold: Bool = false) -> (width: Double, height: Double) {
        let l = layout(cr, string, size: size, bold: bold)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        return (Double(w) / Double(PANGO_SCALE), Double(h) / Double(PANGO_SCALE))
    }

    static func text(_ cr: OpaquePointer, _ string: String, x: Double, y: Double, size: Double, anchor: Anchor, bold: Bool = false) {
        let l = layout(cr, string, size: size, bold: bold)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        let width = Double(w) / Double(PANGO_SCALE), height = Double(h) / Double(PANGO_SCALE)
        let (dx, dy): (Double, Double)
        switch anchor {
        case .topCenter: (dx, dy) = (-width / 2, 0)
        case .topRight: (dx, dy) = (-width, 0)
        case .bottomCenter: (dx, dy) = (-width / 2, -height)
        case .middleLeft: (dx, dy) = (0, -height / 2)
        case .middleRight: (dx, dy) = (-width, -height / 2)
        }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, x + dx, y + dy)
        pango_cairo_show_layout(cr, l)
    }
}
