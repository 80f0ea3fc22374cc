// `Lang.Session` is the kernel's interpreter.

import Lang

extension Session: KernelInterpreter {
    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        inspect(code, cursor: cursor, detail: detailLevel)
    }
}
