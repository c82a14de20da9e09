import Foundation

/// The one JSON encoder configuration for everything ffbench prints or
/// writes: sorted keys (stable files), and the strings "inf", "-inf" and
/// "nan" for the values JSON has no number for.
public enum JSONOutput {
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// One line, sorted keys: what a database column or a child process receives.
    public static func line<T: Encodable>(_ value: T) -> String {
        (try? encoder(pretty: false).encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Pretty text with a final newline.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self) + (pretty ? "\n" : "")
    }
}
