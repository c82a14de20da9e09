/// Thesis style: sizes in points for a 3.5-inch single column and a 7-inch
/// double column, the Okabe–Ito colour-blind-safe palette, one font.
public struct ChartSize: Sendable, Equatable {
    public var width: Double
    public var height: Double

    public static let singleColumn = ChartSize(width: 3.5 * 72, height: 2.5 * 72)
    public static let doubleColumn = ChartSize(width: 7 * 72, height: 3.2 * 72)

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

public struct RGB: Sendable, Equatable, Hashable {
    public var r: Double, g: Double, b: Double

    public init(hex: UInt32) {
        r = Double((hex >> 16) & 0xff) / 255
        g = Double((hex >> 8) & 0xff) / 255
        b = Double(hex & 0xff) / 255
    }
}

/// Okabe & Ito (2008). FF and BP keep the same colours in every figure.
public enum Palette {
    public static let orange = RGB(hex: 0xE69F00)
    public static let skyBlue = RGB(hex: 0x56B4E9)
    public static let bluishGreen = RGB(hex: 0x009E73)
    public static let yellow = RGB(hex: 0xF0E442)
    public static let blue = RGB(hex: 0x0072B2)
    public static let vermillion = RGB(hex: 0xD55E00)
    public static let reddishPurple = RGB(hex: 0xCC79A7)
    public static let black = RGB(hex: 0x000000)
    public static let grey = RGB(hex: 0x777777)

    public static let ff = vermillion
    public static let bp = blue
    /// Colours for other series: never FF's or BP's, so those stay unambiguous.
    public static let cycle = [bluishGreen, orange, reddishPurple, skyBlue, yellow, grey]

    /// The marker of a named series: FF circles, BP squares, others in cycle order.
    public static func marker(for name: String, index: Int) -> Marker {
        switch name.lowercased().split(separator: " ").first.map(String.init) ?? "" {
        case "ff": return .circle
        case "bp": return .square
        default: return [Marker.triangle, .diamond, .invertedTriangle, .cross][index % 4]
        }
    }

    /// The colour of a named series: FF and BP fixed, RSS black, others in cycle order.
    public static func color(for name: String, index: Int) -> RGB {
        switch name.lowercased().split(separator: " ").first.map(String.init) ?? "" {
        case "ff": return ff
        case "bp": return bp
        case "rss": return black
        default: return cycle[index % cycle.count]
        }
    }
}

public enum Typeface {
    /// DejaVu Sans ships with Debian (fonts-dejavu-core) and is embedded in PDFs.
    public static let family = "DejaVu Sans"
    public static let size = 7.5
}
