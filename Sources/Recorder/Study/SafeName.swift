/// Names that become parts of paths (a study's database and report
/// folder, shard files) or of arm labels: letters, digits and - _ . only
/// (arms may carry a grid suffix "[layers=4x2000,batch-size=100]"), not
/// starting with a dot, at most 100 characters.
public enum SafeName {
    public static func problem(_ name: String, gridSuffix: Bool = false) -> String? {
        var base = Substring(name)
        if gridSuffix, let open = name.firstIndex(of: "["), name.hasSuffix("]") {
            let suffix = name[name.index(after: open)..<name.index(before: name.endIndex)]
            guard suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.=,".contains($0)) }) else {
                return "grid values may hold only letters, digits and - _ . = ,"
            }
            base = name[..<open]
        }
        if base.isEmpty { return "a name is needed" }
        if base.count > 100 { return "at most 100 characters" }
        if base.hasPrefix(".") { return "may not start with '.'" }
        guard base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            return "use only letters, digits, '-', '_' and '.'"
        }
        return nil
    }

    /// A refused name as a message shows it: on one line (control
    /// characters escaped) and cut after 40 characters, so that a
    /// refusal stays one short line whatever was given.
    public static func shown(_ name: String) -> String {
        let escaped = name.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
        let whole = escaped.joined()
        let cut = escaped.count > 40 ? escaped.prefix(40).joined() + "… (\(name.count) characters)" : whole
        return cut
    }
}
