import Foundation

/// An SVG file made fit to sit inline in an HTML page beside others: the
/// XML prolog dropped and every id (and every reference to one) prefixed,
/// since Cairo numbers glyphs and clip paths the same way in every file
/// and a page must not hold one id twice.
enum SVGInline {
    static func embed(_ svg: String, prefix: String) -> String {
        var text = svg
        if let start = text.range(of: "<svg") { text = String(text[start.lowerBound...]) }
        let rules: [(String, String)] = [
            ("id=\"([^\"]+)\"", "id=\"\(prefix)-$1\""),
            ("href=\"#([^\"]+)\"", "href=\"#\(prefix)-$1\""),
            ("url\\(#([^)]+)\\)", "url(#\(prefix)-$1)"),
        ]
        for (pattern, template) in rules {
            let re = try! NSRegularExpression(pattern: pattern)
            text = re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text
    }
}
