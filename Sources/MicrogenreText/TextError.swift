/// Errors from the text-analysis module.
public enum TextError: Error, Sendable, CustomStringConvertible {
    /// ICU reported a failure; `function` names the ICU C function and `code` its UErrorCode name.
    case icu(function: String, code: String)

    public var description: String {
        switch self {
        case .icu(let function, let code): "ICU \(function) failed: \(code)"
        }
    }
}
