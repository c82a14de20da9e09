import CCairo
import Foundation

/// A PNG's pixels through Cairo, for comparing screenshots.
struct Raster {
    let width: Int, height: Int
    let pixels: [UInt32]

    init?(png path: String) {
        let surface = cairo_image_surface_create_from_png(path)
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        cairo_surface_flush(surface)
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        let words = UnsafeRawPointer(data).bindMemory(to: UInt32.self, capacity: stride * height)
        var out = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { out[y * width + x] = words[y * stride + x] } }
        pixels = out
    }

    func pixel(_ x: Int, _ y: Int) -> UInt32 { pixels[y * width + x] }

    /// Share of pixels in a w × h window (this at (x0, y0), other at (x1, y1))
    /// whose colour differs by more than `tolerance` in any channel.
    func difference(_ other: Raster, x0: Int, y0: Int, x1: Int, y1: Int, w: Int, h: Int, tolerance: Int = 48) -> Double {
        var differing = 0, total = 0
        for dy in 0..<h {
            for dx in 0..<w {
                let (ax, ay, bx, by) = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
                guard ax < width, ay < height, bx < other.width, by < other.height else { continue }
                let a = pixel(ax, ay), b = other.pixel(bx, by)
                total += 1
                for shift in [0, 8, 16] where abs(Int((a >> UInt32(shift)) & 0xff) - Int((b >> UInt32(shift)) & 0xff)) > tolerance {
                    differing += 1
                    break
                }
            }
        }
        return total == 0 ? 1 : Double(differing) / Double(total)
    }

    /// Share of pixel rows holding no ink (every pixel nearly white).
    var blankRowShare: Double {
        var blank = 0
        for y in 0..<height {
            var ink = false
            for x in 0..<width {
                let p = pixel(x, y)
                if (p & 0xff) < 200 || ((p >> 8) & 0xff) < 200 || ((p >> 16) & 0xff) < 200 { ink = true; break }
            }
            if !ink { blank += 1 }
        }
        return Double(blank) / Double(max(height, 1))
    }
}
