"""File primitives in RAM that lose power at a chosen byte: the flash double for power-loss tests.

``RamFiles`` implements the primitives ``firmware.storage.DirStorage`` uses.
Every byte written costs one unit of the power budget, and so does every
rename and remove; when the budget runs out mid-operation the bytes written so
far stay (a torn write) and ``PowerCut`` is raised. ``files`` is what survives:
build a new ``DirStorage`` on the same ``RamFiles`` after ``restore_power()`` to
see what the station finds at boot.
"""


class PowerCut(Exception):
    pass


class RamFiles:
    def __init__(self, size=4 * 1024 * 1024):
        self.files = {}
        self.dirs = set()
        self.size_limit = size
        self.budget = -1  # -1: never cut
        self.spent = 0

    def cut_after(self, units):
        self.budget = units
        self.spent = 0

    def restore_power(self):
        self.budget = -1

    def _spend(self):
        if self.budget >= 0:
            if self.spent >= self.budget:
                raise PowerCut()
            self.spent += 1

    def listdir(self, path: str) -> "list[str]":
        prefix = path + "/"
        return [p[len(prefix) :] for p in self.files if p.startswith(prefix)]

    def size(self, path: str) -> int:
        data = self.files.get(path)
        return -1 if data is None else len(data)

    def read(self, path: str, offset: int = 0, length: int = -1) -> "bytes | None":
        data = self.files.get(path)
        if data is None:
            return None
        end = len(data) if length < 0 else offset + length
        return bytes(data[offset:end])

    def write(
        self, path: str, data: "bytes | bytearray | memoryview", append: bool = False
    ) -> None:
        if not append or path not in self.files:
            self._spend()
            self.files[path] = bytearray()
        target = self.files[path]
        if self.budget < 0 or self.spent + len(data) <= self.budget:
            self.spent += len(data) if self.budget >= 0 else 0
            target.extend(data)
            return
        kept = self.budget - self.spent
        target.extend(data[:kept])
        self.spent = self.budget
        raise PowerCut()

    def rename(self, src: str, dst: str) -> None:
        self._spend()
        if src not in self.files:
            raise OSError(2)
        self.files[dst] = self.files.pop(src)

    def remove(self, path: str) -> None:
        if path in self.files:
            self._spend()
            del self.files[path]

    def mkdir(self, path: str) -> None:
        self.dirs.add(path)

    def free(self, path: str) -> int:
        return self.size_limit - sum(len(d) for d in self.files.values())
