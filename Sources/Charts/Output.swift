import CCairo
import Foundation

/// Writes a chart as PDF or SVG (vector) or PNG (300 dpi), all from the
/// same drawing code. The same chart gives byte-identical files: the PDF's
/// dates are fixed rather than taken from the clock.
public enum ChartOutput {
    public enum Format: String, CaseIterable, Sendable { case pdf, svg, png }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The timestamp written into PDF metadata (a report passes the newest
    /// stored run time, so the file is a pure function of the database).
    public static let fixedDate = "2000-01-01T00:00:00Z"

    /// The Cairo library the charts are drawn with (`ffbench env`).
    public static var cairoVersion: String { String(cString: cairo_version_string()) }

    public static func write(_ chart: Chart, to path: String, format: Format, date: String = fixedDate) throws {
        let w = chart.size.width, h = chart.size.height
        switch format {
        case .pdf:
            let surface = cairo_pdf_surface_create(path, w, h)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ffbench")
            try render(chart, surface: surface, path: path)
        case .svg:
            let surface = cairo_svg_surface_create(path, w, h)
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
            try render(chart, surface: surface, path: path)
            try renumberSVGIdentifiers(path)
        case .png:
            let scale = 300.0 / 72
            let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32((w * scale).rounded()), Int32((h * scale).rounded()))
            let cr = cairo_create(surface)!
            cairo_scale(cr, scale, scale)
            Renderer.draw(chart, on: cr)
            cairo_destroy(cr)
            let status = cairo_surface_write_to_png(surface, path)
            cairo_surface_destroy(surface)
            guard status == CAIRO_STATUS_SUCCESS else { throw Failure(description: "\(path): cannot write PNG: \(String(cString: cairo_status_to_string(status)))") }
        }
    }

    /// Cairo numbers SVG ids (surface5, glyph0-1, clip2…) from counters that
    /// live for the whole process; renumber them by first appearance so the
    /// file depends on the chart alone.
    static func renumberSVGIdentifiers(_ path: String) throws {
        guard var text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "\(path): cannot read back the SVG")
        }
        let pattern = try! NSRegularExpression(pattern: "\\b(surface|glyph|clip|image|pattern|mask|source|linear|radial)([0-9]+)")
        var mapping: [String: String] = [:], counters: [String: Int] = [:]
        let ns = text as NSString
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let token = ns.substring(with: match.range)
            guard mapping[token] == nil else { continue }
            let prefix = ns.substring(with: match.range(at: 1))
            counters[prefix, default: 0] += 1
            mapping[token] = "\(prefix)\(counters[prefix]!)"
        }
        let result = NSMutableString(string: text)
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).reversed() {
            result.replaceCharacters(in: match.range, with: mapping[ns.substring(with: match.range)]!)
        }
        text = result as String
        do { try text.write(toFile: path, atomically: false, encoding: .utf8) } catch {
            throw Failure(description: "\(path): cannot write SVG")
        }
    }

    private static func render(_ chart: Chart, surface: OpaquePointer?, path: String) throws {
        let cr = cairo_create(surface)!
        Renderer.draw(chart, on: cr)
        cairo_show_page(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw Failure(description: "\(path): cannot write: \(String(cString: cairo_status_to_string(status)))") }
    }
}

/// Drawing a chart onto a caller's Cairo context (a report page).
public enum ChartDrawing {
    public static func draw(_ chart: Chart, on cr: OpaquePointer) { Renderer.draw(chart, on: cr) }
}
