import Charts
import Foundation
import Mustache

/// The report document as one self-contained HTML page, from the Mustache
/// template and stylesheet in Templates/: figures inline as SVG (ids made
/// unique per figure), a table of contents, numbered tables and figures.
enum HTMLReport {
    static func render(_ doc: ReportDocument, templates: String, svg: (ReportDocument.Figure) -> String) throws -> String {
        let templatePath = templates + "/report.mustache"
        guard let source = try? String(contentsOfFile: templatePath, encoding: .utf8) else {
            throw ReportError.template(path: templatePath, reason: "missing or unreadable")
        }
        let cssPath = templates + "/report.css"
        guard let css = try? String(contentsOfFile: cssPath, encoding: .utf8) else {
            throw ReportError.template(path: cssPath, reason: "missing or unreadable")
        }
        let template: MustacheTemplate
        do { template = try MustacheTemplate(string: source) } catch {
            throw ReportError.template(path: templatePath, reason: "\(error)")
        }
        func block(_ b: ReportDocument.Block) -> [String: Any] {
            switch b {
            case .subheading(let s): return ["subheading": s]
            case .paragraph(let s): return ["paragraph": s]
            case .bullets(let items): return ["bullets": ["items": items]]
            case .warning(let s): return ["warning": s]
            case .table(let t):
                return ["table": ["id": t.id, "label": t.label, "caption": t.caption,
                                  "header": t.header.enumerated().map { i, h in ["text": h, "numeric": t.numeric.contains(i)] },
                                  "rows": t.rows.map { r in ["cells": r.enumerated().map { i, c in ["text": c, "numeric": t.numeric.contains(i)] }] }]]
            case .figure(let f):
                return ["figure": ["id": f.id, "label": f.label, "caption": f.caption, "name": f.name, "size": f.chart.size == .singleColumn ? "single" : "double", "svg": SVGInline.embed(svg(f), prefix: f.id)]]
            }
        }
        let context: [String: Any] = [
            "title": doc.title, "question": doc.question, "meta": doc.meta, "css": css,
            "toc": doc.sections.enumerated().map { k, s in ["id": s.id, "title": s.title, "number": k + 1] },
            "sections": doc.sections.enumerated().map { k, s in ["id": s.id, "title": s.title, "number": k + 1, "blocks": s.blocks.map(block)] },
        ]
        return template.render(context)
    }
}
