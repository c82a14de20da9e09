import Foundation
import Testing
@testable import Charts

@Suite struct ChartOutputTests {
    static func lineChart() -> Chart {
        func series(_ name: String, _ base: Double) -> Series {
            Series(name: name, points: (1...10).map { e in
                let y = base + 8 / Double(e)
                return Point(x: Double(e), y: y, low: y - 0.4, high: y + 0.4)
            })
        }
        return Chart(kind: .line, title: "MNIST 2x500", xLabel: "epoch", yLabel: "test error (%)",
                     series: [series("ff", 2.5), series("bp", 1.5)])
    }

    static func dotChart() -> Chart {
        Chart(kind: .dots(categories: ["MNIST", "Fashion-MNIST", "CIFAR-10"]), xLabel: "data set", yLabel: "time per epoch (s)",
              series: [Series(name: "ff", points: (0..<3).map { Point(x: Double($0), y: 5 + Double($0), low: 4.6 + Double($0), high: 5.4 + Double($0), values: [4.8, 5.0, 5.2].map { $0 + Double($0) }) }),
                       Series(name: "bp", points: (0..<3).map { Point(x: Double($0), y: 3 + Double($0), low: 2.8 + Double($0), high: 3.2 + Double($0)) })],
              size: .doubleColumn)
    }

    static func boxChart() -> Chart {
        Chart(kind: .box(categories: ["MNIST 2x500", "MNIST 4x2000"]), xLabel: "network", yLabel: "time per epoch (s)",
              series: [Series(name: "ff", points: (0..<2).map { Point(x: Double($0), y: 6, values: [5, 5.5, 6, 6.2, 9].map { $0 * Double($0 + 1) }) }),
                       Series(name: "bp", points: (0..<2).map { Point(x: Double($0), y: 3, values: [2.8, 3, 3.1].map { $0 * Double($0 + 1) }) })])
    }

    static func timelineChart() -> Chart {
        let t = (0..<50).map { Double($0) * 0.1 }
        return Chart(kind: .timeline(stacked: 2), xLabel: "time since start (s)", yLabel: "memory (MiB)",
                     series: [Series(name: "weights", points: t.map { Point(x: $0, y: 40) }),
                              Series(name: "activations", points: t.map { Point(x: $0, y: 10 + 5 * sin($0)) }),
                              Series(name: "RSS", points: t.map { Point(x: $0, y: 80 + $0) })])
    }

    static func logLogChart() -> Chart {
        let x = [1e4, 1e5, 1e6]
        return Chart(kind: .logLog, xLabel: "parameters", yLabel: "time per epoch (s)",
                     series: [Series(name: "ff (exponent 1.00)", points: x.map { Point(x: $0, y: $0 / 1e4) },
                                     fit: PowerLaw(intercept: -4, exponent: 1))])
    }

    func temporaryDirectory(_ label: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-charts-\(label.filter(\.isLetter))-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ChartOutput.Format.allCases)
    func sameChartGivesByteIdenticalFiles(format: ChartOutput.Format) throws {
        let dir = temporaryDirectory()
        for chart in [Self.lineChart(), Self.dotChart(), Self.boxChart(), Self.timelineChart(), Self.logLogChart()] {
            try ChartOutput.write(chart, to: dir + "/a.\(format.rawValue)", format: format)
            try ChartOutput.write(chart, to: dir + "/b.\(format.rawValue)", format: format)
            let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.\(format.rawValue)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.\(format.rawValue)"))
            #expect(a.count > 1000)
            #expect(a == b)
        }
    }

    @Test func pngIsThreeHundredDPIAndNotBlank() throws {
        let dir = temporaryDirectory()
        try ChartOutput.write(Self.lineChart(), to: dir + "/c.png", format: .png)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/c.png")))
        // IHDR width and height, big-endian, at bytes 16-23.
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1050 && height == 750) // 3.5 x 2.5 inches at 300 dpi
    }

    @Test func pdfRendersWithPopplerAndEmbedsTheFont() throws {
        let dir = temporaryDirectory()
        try ChartOutput.write(Self.dotChart(), to: dir + "/d.pdf", format: .pdf)
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/d.pdf")), as: UTF8.self)
        #expect(pdf.contains("DejaVuSans")) // the font is embedded, not referenced
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftoppm")
        p.arguments = ["-r", "50", "-gray", dir + "/d.pdf", dir + "/page"]
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let page = try Data(contentsOf: URL(fileURLWithPath: dir + "/page-1.pgm"))
        let pixels = page.suffix(page.count / 2)
        #expect(pixels.contains { $0 < 128 }) // ink on the page
    }

    @Test func newKindsDrawDataInTheirSeriesColours() throws {
        let dir = temporaryDirectory()
        for (name, chart) in [("box", Self.boxChart()), ("timeline", Self.timelineChart()), ("loglog", Self.logLogChart())] {
            let path = dir + "/\(name).svg"
            try ChartOutput.write(chart, to: path, format: .svg)
            let svg = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            // Cairo writes colours as percentages; FF's vermillion is #D55E00.
            if name != "timeline" { #expect(svg.contains("rgb(83.529412%,36.862745%,0%)"), "\(name): FF colour missing") }
            #expect(svg.contains("<path"), "\(name): nothing drawn")
        }
    }

    /// Stacked bars from zero with a marker series, a reference line, and
    /// an axis that starts at zero even when the data are far from it.
    @Test func stackedBarsReferenceLinesAndAxesFromZero() throws {
        let bars = Chart(kind: .stackedBars(categories: ["FF", "BP"], stacked: 2), xLabel: "arm", yLabel: "MiB", series: [
            Series(name: "weights", points: [Point(x: 0, y: 10), Point(x: 1, y: 10)], color: Palette.blue),
            Series(name: "activations", points: [Point(x: 0, y: 2), Point(x: 1, y: 8)], color: Palette.orange),
            Series(name: "peak RSS", points: [Point(x: 0, y: 30), Point(x: 1, y: 35)], color: Palette.black, marker: .diamond),
        ], yFromZero: true)
        let line = Chart(kind: .line, xLabel: "s", yLabel: "error (%)", series: [
            Series(name: "torch-ff", points: [Point(x: 1, y: 265.6), Point(x: 2, y: 266.8)], color: Palette.bluishGreen, marker: .triangle),
        ], referenceLines: [ReferenceLine(y: 266, label: "target")], yFromZero: true)
        let dir = temporaryDirectory()
        for (name, chart) in [("bars", bars), ("line", line)] {
            let path = dir + "/\(name).png"
            try ChartOutput.write(chart, to: path, format: .png)
            try ChartOutput.write(chart, to: dir + "/\(name).svg", format: .svg)
            let svg = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/\(name).svg")), as: UTF8.self)
            #expect(svg.contains("<path"), "\(name): nothing drawn")
        }
        let svg = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/bars.svg")), as: UTF8.self)
        #expect(svg.contains("rgb(90.196078%,62.352941%,0%)")) // the activations segment in orange
        let lineSVG = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/line.svg")), as: UTF8.self)
        #expect(lineSVG.contains("stroke-dasharray")) // the reference line
        #expect(lineSVG.contains("rgb(0%,61.960784%,45.098039%)")) // the series' own colour, not the palette's guess
        // From zero: 0 is the lowest tick even though the data sit near 266; without it the axis hugs the data.
        #expect(Renderer.yAxis(line, logLog: false).0 == 0)
        var hugging = line
        hugging.yFromZero = false
        #expect(Renderer.yAxis(hugging, logLog: false).0 > 265)
        #expect(Renderer.yAxis(bars, logLog: false).0 == 0 && Renderer.yAxis(bars, logLog: false).1 >= 35)
    }

    @Test func logTicksAreOneTwoFiveOrDecades() {
        let (lo, hi, ticks) = Ticks.logRange(min: log10(3e4), max: log10(2.5e5))
        #expect(ticks.map { (pow(10, $0) * 1000).rounded() / 1000 } == [2e4, 5e4, 1e5, 2e5, 5e5])
        #expect(lo == ticks.first && hi == ticks.last)
        let wide = Ticks.logRange(min: 0, max: 6).2
        #expect(wide.map { $0.rounded() } == [0, 1, 2, 3, 4, 5, 6])
        #expect(Ticks.logLabel(log10(2e5)) == "2e5")
        #expect(Ticks.logLabel(log10(500)) == "500")
        #expect(Ticks.logLabel(log10(0.05)) == "0.05")
    }

    @Test func ticksAreNice() {
        #expect(Ticks.nice(min: 0, max: 1) == [0, 1, 2, 3, 4, 5].map { Double($0) * 0.2 })
        #expect(Ticks.nice(min: 3, max: 97) == [20, 40, 60, 80])
        #expect(Ticks.range(min: 3, max: 97).0 == 0 && Ticks.range(min: 3, max: 97).1 == 100)
        #expect(Ticks.label(0.25, step: 0.05) == "0.25")
        #expect(Ticks.label(1500, step: 500) == "1500")
    }
}
