/// A title's embedding as a segment stores it: one signed byte per dimension and one scale, so
/// that `value[d] ~ scale * Float(bytes[d])`. The scale is the largest magnitude over 127, so
/// the largest component is exact and every other is within `scale / 2`; a unit vector of 384
/// dimensions keeps cosine similarities to about 1e-3. A scale of 0 means no vector.
public struct QuantizedVector: Sendable, Hashable {
    /// The multiplier of every byte.
    public var scale: Float
    /// The components, quantized.
    public var values: [Int8]

    /// Quantizes `vector`.
    public init(_ vector: some Collection<Float>) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else {
            scale = 0
            values = [Int8](repeating: 0, count: vector.count)
            return
        }
        scale = largest / 127
        values = vector.map { Int8(max(-127, min(127, ($0 / largest * 127).rounded()))) }
    }

    /// A vector read back from a segment.
    public init(scale: Float, values: [Int8]) {
        self.scale = scale
        self.values = values
    }

    /// The vector's components.
    public var floats: [Float] { values.map { Float($0) * scale } }

    /// Whether there is a vector (the scale is not 0).
    public var isPresent: Bool { scale > 0 }
}

/// Dot products of one query with int8 rows, sixteen lanes at a time: the exact scan of
/// semantic search. The query is quantized to 16-bit integers (its largest magnitude to 32,767,
/// a relative error of 3e-5) so that the products and sums stay in 32-bit integer lanes, which
/// the processor multiplies and adds three times as fast as it converts bytes to floats; 384
/// products of at most 127 x 32,767 cannot overflow a 32-bit sum (up to 16,000 dimensions cannot).
package enum VectorScan {
    /// `scores[k] = scales[k] * sum over d of query[d] * rows[k * dimension + d]`, for `count`
    /// rows (minus infinity for a row whose scale is 0: it has no vector).
    package static func dotProducts(
        query: UnsafePointer<Float>, dimension: Int, rows: UnsafeRawPointer, scales: UnsafeRawPointer, count: Int,
        into scores: UnsafeMutablePointer<Float>
    ) {
        var largest: Float = 0
        for d in 0..<dimension { largest = max(largest, abs(query[d])) }
        guard largest > 0, largest.isFinite, dimension <= 16_000 else {
            for k in 0..<count { scores[k] = scaleOf(scales, k) > 0 ? 0 : -.infinity }
            return
        }
        let queryScale = 32_767 / largest
        let lanes = (dimension + 15) / 16 * 16
        var quantized = [Int16](repeating: 0, count: lanes)
        for d in 0..<dimension { quantized[d] = Int16((query[d] * queryScale).rounded()) }
        let whole = dimension / 16 * 16
        quantized.withUnsafeBufferPointer { q in
            let q = UnsafeRawPointer(q.baseAddress!)
            for k in 0..<count {
                let scale = scaleOf(scales, k)
                guard scale > 0 else {
                    scores[k] = -.infinity
                    continue
                }
                let row = rows + k * dimension
                var sum = SIMD16<Int32>()
                var d = 0
                while d < whole {
                    let bytes = SIMD16<Int32>(
                        truncatingIfNeeded: row.loadUnaligned(fromByteOffset: d, as: SIMD16<Int8>.self))
                    let weights = SIMD16<Int32>(
                        truncatingIfNeeded: q.loadUnaligned(fromByteOffset: 2 * d, as: SIMD16<Int16>.self))
                    sum &+= bytes &* weights
                    d += 16
                }
                var total = Int(sum.wrappedSum())
                while d < dimension {
                    total +=
                        Int(row.load(fromByteOffset: d, as: Int8.self))
                        * Int(q.load(fromByteOffset: 2 * d, as: Int16.self))
                    d += 1
                }
                scores[k] = Float(total) * scale / queryScale
            }
        }
    }

    @inline(__always)
    private static func scaleOf(_ scales: UnsafeRawPointer, _ k: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: scales.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
    }
}
