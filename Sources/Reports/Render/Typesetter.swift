import CCairo
import CPangoCairo
import Charts
import Foundation

/// A small flowing typesetter on Cairo and Pango: text is laid out into
/// pages first (so the footer can say "page N of M"), then drawn into a
/// PDF with its fonts embedded. Headings keep with what follows, tables
/// repeat their header after a page break, figures shrink a little rather
/// than leave a large gap at the foot of a page.
final class Typesetter {
    struct Paper: Sendable {
        var width: Double, height: Double
        static let a4 = Paper(width: 595.28, height: 841.89)
        static let letter = Paper(width: 612, height: 792)
    }

    struct Font: Equatable {
        var size: Double
        var bold = false
        var italic = false
        var gray = 0.0
        static let body = Font(size: 9.5)
        static let small = Font(size: 8)
        static let table = Font(size: 7.3)
    }

    enum Item {
        case text(String, Font, x: Double, y: Double, width: Double)
        case chart(Chart, x: Double, y: Double, scale: Double)
        case rule(x: Double, y: Double, width: Double, weight: Double)
        case shade(x: Double, y: Double, width: Double, height: Double)
    }

    let paper: Paper
    let margin = 56.0, footerSpace = 22.0
    private(set) var pages: [[Item]] = [[]]
    private(set) var y: Double
    private let measureSurface: OpaquePointer
    private let measureContext: OpaquePointer

    init(paper: Paper) {
        self.paper = paper
        y = margin
        measureSurface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4)
        measureContext = cairo_create(measureSurface)
    }

    deinit {
        cairo_destroy(measureContext)
        cairo_surface_destroy(measureSurface)
    }

    var textWidth: Double { paper.width - 2 * margin }
    var bottom: Double { paper.height - margin - footerSpace }
    var textHeight: Double { bottom - margin }
    var remaining: Double { bottom - y }
    var atTopOfPage: Bool { y <= margin + 0.5 }

    func newPage() {
        pages.append([])
        y = margin
    }

    /// Breaks the page unless `height` fits below.
    func ensure(_ height: Double) {
        if y + height > bottom && !atTopOfPage { newPage() }
    }

    private func add(_ item: Item) { pages[pages.count - 1].append(item) }

    // MARK: - Text

    static func layout(_ cr: OpaquePointer, _ text: String, _ font: Font, width: Double) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        let d = pango_font_description_new()
        pango_font_description_set_family(d, Typeface.family)
        pango_font_description_set_absolute_size(d, font.size * Double(PANGO_SCALE))
        if font.bold { pango_font_description_set_weight(d, PANGO_WEIGHT_BOLD) }
        if font.italic { pango_font_description_set_style(d, PANGO_STYLE_ITALIC) }
        pango_layout_set_font_description(layout, d)
        pango_font_description_free(d)
        if width > 0 {
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    /// Width and height of `text` wrapped at `width` (no wrapping at 0).
    func size(_ text: String, _ font: Font, width: Double) -> (width: Double, height: Double) {
        let l = Self.layout(measureContext, text, font, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        return (Double(w) / Double(PANGO_SCALE), Double(h) / Double(PANGO_SCALE))
    }

    func paragraph(_ text: String, _ font: Font = .body, indent: Double = 0, before: Double = 0, after: Double = 6) {
        let h = size(text, font, width: textWidth - indent).height
        y += atTopOfPage ? 0 : before
        ensure(h)
        add(.text(text, font, x: margin + indent, y: y, width: textWidth - indent))
        y += h + after
    }

    /// A heading kept together with at least `keep` points of what follows.
    func heading(_ text: String, _ font: Font, before: Double, after: Double, keep: Double = 90) {
        let h = size(text, font, width: textWidth).height
        y += atTopOfPage ? 0 : before
        ensure(h + keep)
        add(.text(text, font, x: margin, y: y, width: textWidth))
        y += h + after
    }

    func bullets(_ items: [String], _ font: Font = .body) {
        for item in items {
            let h = size(item, font, width: textWidth - 14).height
            ensure(h)
            add(.text("•", font, x: margin + 3, y: y, width: 10))
            add(.text(item, font, x: margin + 14, y: y, width: textWidth - 14))
            y += h + 3
        }
        y += 3
    }

    func rule(weight: Double = 0.6, after: Double = 8) {
        add(.rule(x: margin, y: y, width: textWidth, weight: weight))
        y += after
    }

    // MARK: - Tables

    /// A table wrapped to the text width; the header repeats after a page break.
    func table(caption: String, header: [String], rows: [[String]], numeric: Set<Int>) {
        let pad = 3.0, font = Font.table
        var bold = font
        bold.bold = true
        let columns = header.count
        func natural(_ i: Int) -> Double {
            ([size(header[i], bold, width: 0).width] + rows.map { i < $0.count ? size($0[i], font, width: 0).width : 0 }).max()! + 2 * pad
        }
        func minimum(_ i: Int) -> Double {
            let words = ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).flatMap { $0.split(separator: " ").map(String.init) }
            return (words.map { size($0, i == 0 ? font : font, width: 0).width }.max() ?? 0) + 2 * pad
        }
        let nat = (0..<columns).map(natural), low = (0..<columns).map(minimum)
        var widths: [Double]
        let total = nat.reduce(0, +), lowTotal = low.reduce(0, +)
        if total <= textWidth {
            widths = nat.map { $0 * textWidth / total }
        } else if lowTotal < textWidth {
            widths = zip(low, nat).map { l, n in l + (n - l) * (textWidth - lowTotal) / (total - lowTotal) }
        } else {
            widths = low.map { $0 * textWidth / lowTotal }
        }
        func rowHeight(_ cells: [String], _ f: Font) -> Double {
            (0..<columns).map { i in size(i < cells.count ? cells[i] : "", f, width: widths[i] - 2 * pad).height }.max()! + 2 * pad
        }
        let headerHeight = rowHeight(header, bold)
        func drawHeader() {
            add(.rule(x: margin, y: y, width: textWidth, weight: 0.8))
            add(.shade(x: margin, y: y, width: textWidth, height: headerHeight))
            var x = margin
            for (i, h) in header.enumerated() { add(.text(h, bold, x: x + pad, y: y + pad, width: widths[i] - 2 * pad)); x += widths[i] }
            y += headerHeight
            add(.rule(x: margin, y: y, width: textWidth, weight: 0.5))
        }
        let captionHeight = size(caption, .small, width: textWidth).height
        y += atTopOfPage ? 0 : 4
        ensure(captionHeight + 4 + headerHeight + (rows.first.map { rowHeight($0, font) } ?? 0))
        add(.text(caption, .small, x: margin, y: y, width: textWidth))
        y += captionHeight + 4
        drawHeader()
        for row in rows {
            let h = rowHeight(row, font)
            if y + h > bottom {
                newPage()
                drawHeader()
            }
            var x = margin
            for i in 0..<columns {
                let cell = i < row.count ? row[i] : ""
                let w = size(cell, font, width: widths[i] - 2 * pad).width
                let dx = numeric.contains(i) ? max(pad, widths[i] - pad - w) : pad
                add(.text(cell, font, x: x + dx, y: y + pad, width: widths[i] - 2 * pad))
                x += widths[i]
            }
            y += h
            add(.rule(x: margin, y: y, width: textWidth, weight: 0.15))
        }
        add(.rule(x: margin, y: y, width: textWidth, weight: 0.8))
        y += 12
    }

    // MARK: - Figures

    /// One figure, or two side by side, each with its caption under it.
    /// A figure that does not fit shrinks to the space left when it keeps
    /// at least 70 % of its size; otherwise it starts the next page.
    func figures(_ items: [(chart: Chart, caption: String)]) {
        let gap = 12.0
        let column = items.count == 1 ? textWidth : (textWidth - gap) / 2
        var scale = items.map { min(1, column / $0.chart.size.width) }.min()!
        func height(_ s: Double) -> Double {
            items.map { $0.chart.size.height * s + 4 + size($0.caption, .small, width: column).height }.max()!
        }
        y += atTopOfPage ? 0 : 4
        if y + height(scale) > bottom && !atTopOfPage {
            let fitting = scale * (remaining - 40) / (height(scale) - 40)
            if fitting >= 0.7 * scale { scale = fitting } else { newPage() }
        }
        let h = height(scale)
        for (k, item) in items.enumerated() {
            let w = item.chart.size.width * scale
            let x = margin + Double(k) * (column + gap) + (column - w) / 2
            add(.chart(item.chart, x: x, y: y, scale: scale))
            add(.text(item.caption, .small, x: margin + Double(k) * (column + gap), y: y + item.chart.size.height * scale + 4, width: column))
        }
        y += h + 12
    }

    // MARK: - Output

    /// Draws every page into a PDF at `path`, with `footer(page, pages)` at the foot.
    func write(to path: String, title: String, date: String, footer: (Int, Int) -> String) throws {
        let surface = cairo_pdf_surface_create(path, paper.width, paper.height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ffbench")
        let cr = cairo_create(surface)!
        for (n, page) in pages.enumerated() {
            for item in page { draw(item, cr) }
            let text = footer(n + 1, pages.count)
            let w = size(text, .small, width: 0).width
            draw(.text(text, Font(size: 7.5, gray: 0.35), x: (paper.width - w) / 2, y: paper.height - margin + 4, width: 0), cr)
            cairo_show_page(cr)
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReportError.write(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
    }

    private func draw(_ item: Item, _ cr: OpaquePointer) {
        switch item {
        case .text(let text, let font, let x, let y, let width):
            let l = Self.layout(cr, text, font, width: width)
            defer { g_object_unref(UnsafeMutableRawPointer(l)) }
            cairo_set_source_rgb(cr, font.gray, font.gray, font.gray)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, l)
        case .chart(let chart, let x, let y, let scale):
            cairo_save(cr)
            cairo_translate(cr, x, y)
            cairo_scale(cr, scale, scale)
            cairo_rectangle(cr, 0, 0, chart.size.width, chart.size.height)
            cairo_clip(cr)
            ChartDrawing.draw(chart, on: cr)
            cairo_restore(cr)
        case .rule(let x, let y, let width, let weight):
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_set_line_width(cr, weight)
            cairo_move_to(cr, x, y)
            cairo_line_to(cr, x + width, y)
            cairo_stroke(cr)
        case .shade(let x, let y, let width, let height):
            cairo_set_source_rgb(cr, 0.93, 0.93, 0.93)
            cairo_rectangle(cr, x, y, width, height)
            cairo_fill(cr)
        }
    }
}
