internal import CDNNL

/// How the encoder's linear layers multiply: in single precision, or in bfloat16 (8 bits of
/// mantissa, products summed in single precision) at twice the rate on processors that multiply
/// it natively (AVX-512 BF16). Attention, normalization and pooling stay single precision.
public enum EmbeddingPrecision: String, Sendable, CaseIterable {
    /// Single precision throughout: the reference's numbers (parity within 1e-4).
    case float32
    /// bfloat16 linear layers where the processor runs them natively, else single precision.
    case bfloat16

    /// Whether this processor multiplies bfloat16 natively (oneDNN's effective instruction set).
    public static var nativeBFloat16: Bool { mg_dnnl_native_bf16() != 0 }
}

/// A weight matrix `[outputs x inputs]` as the linear layers read it: single precision in
/// place in the mapped model file, or a bfloat16 copy the encoder owns.
struct LinearWeight: @unchecked Sendable {
    let pointer: UnsafeRawPointer
}

/// The oneDNN side of the encoder: an engine shared by every thread, and per thread a stream,
/// one matmul primitive per layer shape (`y = x w^T + bias` for any number of rows), and a
/// bfloat16 copy of the layer's input. One per worker thread; not shared.
final class LinearLayers {
    private let engine: OpaquePointer
    private let stream: OpaquePointer
    private let bfloat16: Bool
    private var primitives: [Int: OpaquePointer] = [:]
    private var converted: [UInt16] = []

    init(engine: OpaquePointer, bfloat16: Bool) throws {
        self.engine = engine
        self.bfloat16 = bfloat16
        guard let stream = mg_dnnl_stream(engine) else {
            throw EmbeddingError(path: "oneDNN", "cannot create a stream")
        }
        self.stream = stream
        // The embedder runs one of these per core; oneDNN's own threads would only compete.
        omp_set_num_threads(1)
    }

    deinit {
        for primitive in primitives.values { dnnl_primitive_destroy(primitive) }
        dnnl_stream_destroy(stream)
    }

    /// The matmul primitive for `outputs x inputs` weights, made on first use.
    @discardableResult
    func primitive(outputs n: Int, inputs k: Int) throws -> OpaquePointer {
        let key = n << 20 | k
        if let existing = primitives[key] { return existing }
        guard let made = mg_dnnl_linear(engine, bfloat16 ? 1 : 0, Int32(n), Int32(k)) else {
            throw EmbeddingError(
                path: "oneDNN",
                "cannot make a \(bfloat16 ? "bfloat16" : "float32") matmul of \(n) x \(k) on this processor")
        }
        primitives[key] = made
        return made
    }

    /// A CPU engine for every thread's layers.
    static func makeEngine() throws -> OpaquePointer {
        guard let engine = mg_dnnl_engine() else { throw EmbeddingError(path: "oneDNN", "cannot create a CPU engine") }
        return engine
    }

    /// `y[m x n] = x[m x k] * w[n x k]^T + bias`, with x's rows `ldx` floats apart and y's `ldy`.
    func linear(
        _ x: UnsafePointer<Float>, rows m: Int, inputs k: Int, ldx: Int? = nil, weight: LinearWeight,
        bias: UnsafePointer<Float>, outputs n: Int, into y: UnsafeMutablePointer<Float>, ldy: Int? = nil
    ) {
        // The encoder made every shape once when it loaded (`prepare`), so this cannot fail here.
        let primitive = try! self.primitive(outputs: n, inputs: k)
        let ldx = ldx ?? k
        var status: Int32
        if bfloat16 {
            if converted.count < m * k { converted = [UInt16](repeating: 0, count: m * k) }
            status = converted.withUnsafeMutableBufferPointer { target in
                for row in 0..<m { Self.toBFloat16(x + row * ldx, count: k, into: target.baseAddress! + row * k) }
                return mg_dnnl_linear_run(
                    engine, stream, primitive, 1, Int32(m), Int32(n), Int32(k), target.baseAddress!, Int32(k),
                    weight.pointer, bias, y, Int32(ldy ?? n))
            }
        } else {
            status = mg_dnnl_linear_run(
                engine, stream, primitive, 0, Int32(m), Int32(n), Int32(k), x, Int32(ldx), weight.pointer, bias, y,
                Int32(ldy ?? n))
        }
        precondition(status == 0, "oneDNN matmul failed")
    }

    /// Rounds floats to bfloat16 (the upper 16 bits, to nearest, ties to even).
    static func toBFloat16(_ source: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<UInt16>) {
        var k = 0
        while k + 8 <= count {
            let bits = UnsafeRawPointer(source + k).loadUnaligned(as: SIMD8<UInt32>.self)
            let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
            UnsafeMutableRawPointer(target + k).storeBytes(
                of: SIMD8<UInt16>(truncatingIfNeeded: rounded), as: SIMD8<UInt16>.self)
            k += 8
        }
        while k < count {
            let bits = source[k].bitPattern
            target[k] = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
            k += 1
        }
    }
}
