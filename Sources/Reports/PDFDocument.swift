import CCairo
import CPangoCairo
import Charts
import Foundation

/// A multi-page A4 PDF drawn with Cairo, text laid out by Pango (fonts
/// embedded): headings, wrapped paragraphs, monospaced tables and charts,
/// with page breaks as the content needs.
final class PDFDocument {
    let surface: OpaquePointer
    let cr: OpaquePointer
    let width = 595.0, height = 842.0, margin = 56.0
    var y: Double
    private(set) var pages = 1

    init(path: String, date: String, title: String) {
        surface = cairo_pdf_surface_create(path, width, height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ffbench")
        cr = cairo_create(surface)
        y = margin
    }

    func newPage() {
        cairo_show_page(cr)
        pages += 1
        y = margin
    }

    private func layout(_ text: String, size: Double, bold: Bool, mono: Bool, width w: Double) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        let description = pango_font_description_new()
        pango_font_description_set_family(description, mono ? "DejaVu Sans Mono" : "DejaVu Sans")
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        if bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(w * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    /// A paragraph; breaks the page first if it would not fit.
    func paragraph(_ text: String, size: Double = 10, bold: Bool = false, mono: Bool = false, after: Double = 6) {
        let l = layout(text, size: size, bold: bold, mono: mono, width: width - 2 * margin)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        let height = Double(h) / Double(PANGO_SCALE)
        if y + height > self.height - margin && y > margin { newPage() }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, margin, y)
        pango_cairo_show_layout(cr, l)
        y += height + after
    }

    func heading(_ text: String) {
        if y > height - margin - 80 { newPage() }
        y += 6
        paragraph(text, size: 14, bold: true, after: 8)
    }

    /// A chart at its natural size (scaled down to the text width if wider).
    func chart(_ chart: Chart, caption: String) {
        let scale = min(1, (width - 2 * margin) / chart.size.width)
        let h = chart.size.height * scale
        if y + h + 30 > height - margin { newPage() }
        cairo_save(cr)
        cairo_translate(cr, margin, y)
        cairo_scale(cr, scale, scale)
        ChartDrawing.draw(chart, on: cr)
        cairo_restore(cr)
        y += h + 4
        paragraph(caption, size: 8.5, after: 12)
    }

    func finish() throws {
        cairo_show_page(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReportError.write(path: "report.pdf", reason: String(cString: cairo_status_to_string(status)))
        }
    }
}
