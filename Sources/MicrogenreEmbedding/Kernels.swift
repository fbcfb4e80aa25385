internal import COpenBLAS

/// The encoder's arithmetic on raw row-major `Float` buffers: attention's small matrix products
/// through OpenBLAS (`cblas_sgemm`; the linear layers go to oneDNN, see `LinearLayers`), and the
/// element-wise steps (layer normalization, GELU, softmax) in Swift SIMD, eight lanes at a time.
enum Kernels {
    /// `c = alpha * a * b^T` for strided row-major operands (`lda`, `ldb`, `ldc` elements a row).
    static func multiplyTransposed(
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, m: Int, n: Int, k: Int,
        alpha: Float, into c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
            0,
            c, Int32(ldc))
    }

    /// `c = a * b` for strided row-major operands.
    static func multiply(
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, m: Int, n: Int, k: Int,
        into c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0,
            c, Int32(ldc))
    }

    /// Normalizes each of `rows` rows of `width` values in place to mean 0 and variance 1, then
    /// scales by `gamma` and shifts by `beta` (Ba, Kiros and Hinton, "Layer Normalization", 2016).
    static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let lanes = width / 8 * 8
        for row in 0..<rows {
            let v = x + row * width
            var sum = SIMD8<Float>()
            var k = 0
            while k < lanes {
                sum += load(v + k)
                k += 8
            }
            var total = sum.sum()
            while k < width {
                total += v[k]
                k += 1
            }
            let mean = total / Float(width)
            var squares = SIMD8<Float>()
            k = 0
            while k < lanes {
                let d = load(v + k) - mean
                squares += d * d
                k += 8
            }
            var variance = squares.sum()
            while k < width {
                variance += (v[k] - mean) * (v[k] - mean)
                k += 1
            }
            let scale = 1 / (variance / Float(width) + epsilon).squareRoot()
            k = 0
            while k < lanes {
                store((load(v + k) - mean) * scale * load(gamma + k) + load(beta + k), v + k)
                k += 8
            }
            while k < width {
                v[k] = (v[k] - mean) * scale * gamma[k] + beta[k]
                k += 1
            }
        }
    }

    /// `x += y`, element by element.
    static func add(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 8 <= count {
            store(load(x + k) + load(y + k), x + k)
            k += 8
        }
        while k < count {
            x[k] += y[k]
            k += 1
        }
    }

    /// The exact GELU, `x * Phi(x) = x/2 * (1 + erf(x / sqrt 2))` (Hendrycks and Gimpel, 2016), in
    /// place; erf within 1.5e-7 (see ``erf(_:)``).
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        let invSqrt2: Float = 0.707_106_77
        while k + 8 <= count {
            let v = load(x + k)
            store(0.5 * v * (1 + erf(v * invSqrt2)), x + k)
            k += 8
        }
        while k < count {
            let v = SIMD8<Float>(repeating: x[k])
            x[k] = (0.5 * v * (1 + erf(v * invSqrt2)))[0]
            k += 1
        }
    }

    /// The softmax of each of `rows` rows of `width` values (row stride `stride`), in place.
    static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
        let lanes = width / 8 * 8
        let rest = width - lanes
        // The lanes past the row's end in its last block of eight.
        let outside = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Int32>(repeating: Int32(rest))
        for row in 0..<rows {
            let v = x + row * stride
            var tail = SIMD8<Float>(repeating: -.infinity)
            for j in 0..<rest { tail[j] = v[lanes + j] }
            var highestLanes = tail
            var k = 0
            while k < lanes {
                let chunk = load(v + k)
                highestLanes = highestLanes.replacing(with: chunk, where: chunk .> highestLanes)
                k += 8
            }
            var highest = highestLanes[0]
            for j in 1..<8 where highestLanes[j] > highest { highest = highestLanes[j] }
            var sum = SIMD8<Float>()
            k = 0
            while k < lanes {
                let e = exp(load(v + k) - highest)
                store(e, v + k)
                sum += e
                k += 8
            }
            if rest > 0 {
                tail = exp(tail - highest).replacing(with: 0, where: outside)
                sum += tail
            }
            let scale = 1 / sum.sum()
            k = 0
            while k < lanes {
                store(load(v + k) * scale, v + k)
                k += 8
            }
            for j in 0..<rest { v[lanes + j] = tail[j] * scale }
        }
    }

    /// `e^x` for each lane: `x = n ln 2 + r` with `|r| <= ln 2 / 2`, `e^r` by its Taylor series to
    /// the sixth power (relative error under 2e-7), `2^n` built in the exponent bits.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Lane-wise selects (the generic `clamped` is not specialized and costs a call a lane).
        let x = x.replacing(with: -87, where: x .< -87).replacing(with: 88, where: x .> 88)
        // Adding 1.5 * 2^23 rounds to an integer, which then sits in the low mantissa bits.
        let magic: Float = 12_582_912
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p = r * (1 / 720) + (1 / 120)
        p = p * r + (1 / 24)
        p = p * r + (1 / 6)
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127
        return p * unsafeBitCast(bits &<< 23, to: SIMD8<Float>.self)
    }

    /// The error function for each lane, by Abramowitz and Stegun's formula 7.1.26
    /// (Handbook of Mathematical Functions, 1964): absolute error under 1.5e-7.
    @inline(__always)
    static func erf(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let a = abs(x)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = t * 1.061_405_429 - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        p = p * t
        let y = 1 - p * exp(-(a * a))
        return y.replacing(with: -y, where: x .< 0)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load(UnsafePointer(p)) }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}

/// The absolute value of each lane.
@inline(__always)
private func abs(_ x: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: -x, where: x .< 0) }
