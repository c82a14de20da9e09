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

    /// Pretty text with a final newline.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self) + (pretty ? "\n" : "")
    }
}
