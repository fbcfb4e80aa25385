internal import CICU

/// Unicode canonical decomposition (NFD) with ICU's `unorm2_getNFDInstance`: `é` becomes `e`
/// followed by U+0301, so a caller can drop the marks. Holds no buffers, so one instance may be
/// shared by every thread (ICU's normalizer instances are immutable).
public final class CanonicalDecomposer: @unchecked Sendable {
    private let nfd: OpaquePointer

    /// Loads ICU's NFD normalizer.
    public init() throws {
        var status = U_ZERO_ERROR
        let instance = cicu_nfd(&status)
        guard let instance, status.rawValue <= U_ZERO_ERROR.rawValue else {
            throw icuError("unorm2_getNFDInstance", status)
        }
        nfd = instance
    }

    /// The NFD form of `scalars` (`unorm2_normalize`).
    public func decompose(_ scalars: [Unicode.Scalar]) throws -> [Unicode.Scalar] {
        var source: [UInt16] = []
        source.reserveCapacity(scalars.count + 4)
        for scalar in scalars { UTF16.encode(scalar) { source.append($0) } }
        var capacity = source.count * 3 + 8
        while true {
            var output = [UInt16](repeating: 0, count: capacity)
            var status = U_ZERO_ERROR
            let written = source.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { out in
                    cicu_normalize(nfd, src.baseAddress, Int32(src.count), out.baseAddress, Int32(out.count), &status)
                }
            }
            if status == U_BUFFER_OVERFLOW_ERROR {
                capacity = Int(written) + 8
                continue
            }
            if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("unorm2_normalize", status) }
            var result: [Unicode.Scalar] = []
            result.reserveCapacity(Int(written))
            var iterator = output[0..<Int(written)].makeIterator()
            var decoder = UTF16()
            while case .scalarValue(let scalar) = decoder.decode(&iterator) { result.append(scalar) }
            return result
        }
    }
}
