// The one place where a language session is assembled for the command-line front ends
// (`latent repl`, `latent run`, and any other front end that wants the same builtins).

import Lang
import LangBindings

enum SessionFactory {
    /// The builtins every front end gets on top of the language's General ones. The engine's
    /// bindings (data, models, training, inference, plots) are added here once LangBindings
    /// exports them, e.g. `extra += LangBindings.all`.
    static func builtins() -> [Builtin] {
        let extra: [Builtin] = LangBindings.all
        return extra
    }

    /// A fresh session with all builtins.
    static func makeSession() -> Session {
        Session(builtins: builtins())
    }
}
