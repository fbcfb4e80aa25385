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

/// Dot products of one float query with int8 rows, sixteen lanes at a time: the exact scan of
/// semantic search.
package enum VectorScan {
    /// `scores[k] = scales[k] * sum over d of query[d] * rows[k * dimension + d]`, for
    /// `count` rows.
    package static func dotProducts(
        query: UnsafePointer<Float>, dimension: Int, rows: UnsafeRawPointer, scales: UnsafeRawPointer, count: Int,
        into scores: UnsafeMutablePointer<Float>
    ) {
        let lanes = dimension / 16 * 16
        for k in 0..<count {
            let row = rows + k * dimension
            var sum = SIMD16<Float>()
            var d = 0
            while d < lanes {
                let bytes = row.loadUnaligned(fromByteOffset: d, as: SIMD16<Int8>.self)
                let q = UnsafeRawPointer(query + d).loadUnaligned(as: SIMD16<Float>.self)
                sum += SIMD16<Float>(bytes) * q
                d += 16
            }
            var total = sum.sum()
            while d < dimension {
                total += Float(row.load(fromByteOffset: d, as: Int8.self)) * query[d]
                d += 1
            }
            let scale = Float(
                bitPattern: UInt32(littleEndian: scales.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
            scores[k] = scale > 0 ? total * scale : -.infinity
        }
    }
}
