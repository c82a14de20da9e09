import Foundation

/// Where everything of a chart goes, decided before anything is painted:
/// the axes' ranges and ticks, the plot's frame, the legend's corner (nil:
/// outside, on the right), and whether category labels are slanted.
/// Measuring text needs the Cairo context, but nothing is drawn on it.
struct ChartLayout {
    /// The chart as drawn: on a log-log chart, its values in log10.
    let chart: Chart
    let logLog: Bool
    let categories: [String]
    let xTicks: [Double], yTicks: [Double]
    let frame: Renderer.Frame
    let legendCorner: Int?
    let slantedLabels: Bool

    init(_ original: Chart, cr: OpaquePointer) {
        let size = original.size
        let font = Typeface.size
        switch original.kind {
        case .dots(let c), .box(let c), .stackedBars(let c, _): categories = c
        default: categories = []
        }
        logLog = original.kind == .logLog
        let chart = logLog ? Renderer.logarithmic(original) : original
        self.chart = chart

        let (yMin, yMax, yTicks) = Renderer.yAxis(chart, logLog: logLog)
        let xs = chart.series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let xMin: Double, xMax: Double, xTicks: [Double]
        if logLog {
            (xMin, xMax, xTicks) = Ticks.logRange(min: xs.min() ?? 0, max: xs.max() ?? 1)
        } else if categories.isEmpty {
            (xMin, xMax, xTicks) = Ticks.range(min: xs.min() ?? 0, max: xs.max() ?? 1, integral: !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() })
        } else {
            (xMin, xMax, xTicks) = (-0.5, Double(categories.count) - 0.5, categories.indices.map(Double.init))
        }
        (self.xTicks, self.yTicks) = (xTicks, yTicks)

        let legendWidth = Renderer.legendSize(chart, cr: cr).width
        let top = chart.title == nil ? 6.0 : 6 + font * 1.6
        var frame = Renderer.Frame(left: font * 5.2, top: top, width: size.width - font * 5.2 - 8,
                                   height: size.height - top - font * 4.2, xMin: xMin, xMax: xMax, yMin: yMin, yMax: yMax)
        legendCorner = Renderer.legendCorner(chart, frame: frame, cr: cr)
        if legendCorner == nil { frame.width -= legendWidth + 8 } // legend outside, on the right
        // Category labels wider than their slot are drawn slanted, with room made below the plot.
        let labelSizes = categories.map { Renderer.measure(cr, $0, size: font) }
        slantedLabels = !categories.isEmpty && (labelSizes.map(\.width).max() ?? 0) > 0.95 * frame.width / Double(categories.count)
        if slantedLabels {
            let drop = (labelSizes.map { $0.width * 0.64 + $0.height * 0.77 }.max() ?? 0) - font * 1.6
            frame.height -= max(0, drop)
        } else if let tallest = labelSizes.map(\.height).max(), tallest > font * 1.6 {
            frame.height -= tallest - font * 1.3 // labels of two or more lines
        }
        self.frame = frame
    }
}
