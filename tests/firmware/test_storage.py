"""firmware.storage: atomic replace, append, truncate and budget, on RAM and on a real directory.

The power-loss cases cut the power at every byte and every rename/remove of a
replace in turn (tests.firmware.power_cut) and check what a reboot finds.
"""

import os

from firmware.storage import DirStorage, OsFiles, StorageFull
from tests.firmware.power_cut import PowerCut, RamFiles


def _scratch_dir():
    path = "/tmp/synk-storage-%s" % "".join("%02x" % b for b in os.urandom(6))
    os.mkdir(path)
    return path


def _remove_tree(path):
    for name in os.listdir(path):
        os.remove(path + "/" + name)
    os.rmdir(path)


def _basic_operations(storage):
    assert storage.read("a") is None
    assert storage.size("a") == -1
    storage.write("a", b"hello")
    assert storage.read("a") == b"hello"
    storage.write("a", b"world!")
    assert storage.read("a") == b"world!"
    storage.append("log", b"12")
    storage.append("log", b"345")
    assert storage.read("log") == b"12345"
    assert storage.read_at("log", 1, 3) == b"234"
    storage.truncate("log", 2)
    assert storage.read("log") == b"12"
    assert storage.names() == ["a", "log"]
    storage.remove("a")
    storage.remove("a")  # removing twice is fine
    assert storage.names() == ["log"]


def test_basic_operations_in_ram():
    _basic_operations(DirStorage("/flash", files=RamFiles()))


def test_basic_operations_on_a_real_directory():
    root = _scratch_dir()
    try:
        _basic_operations(DirStorage(root, files=OsFiles()))
    finally:
        _remove_tree(root)


def test_names_with_path_separators_or_reserved_suffixes_are_refused():
    storage = DirStorage("/flash", files=RamFiles())
    for bad in ("", "a/b", "x.tmp", "x.old"):
        try:
            storage.write(bad, b"1")
        except ValueError:
            continue
        raise AssertionError("accepted name %r" % bad)


def test_budget_refuses_a_write_that_does_not_fit_and_writes_nothing():
    storage = DirStorage("/flash", capacity=100, files=RamFiles())
    storage.write("a", b"x" * 60)
    try:
        storage.append("b", b"y" * 50)
        raise AssertionError("append over budget accepted")
    except StorageFull:
        pass
    assert storage.read("b") is None
    assert storage.free() == 40


def test_replace_cut_at_every_unit_leaves_old_or_new():
    old = b"old content " * 3
    new = b"the new content that is longer " * 2
    units = 0
    while True:
        files = RamFiles()
        storage = DirStorage("/flash", files=files)
        storage.write("cache", old)
        files.cut_after(units)
        try:
            storage.write("cache", new)
            finished = True
        except PowerCut:
            finished = False
        files.restore_power()
        rebooted = DirStorage("/flash", files=files)
        found = rebooted.read("cache")
        assert found in (old, new), (units, found)
        if finished:
            assert found == new
        assert rebooted.names() == ["cache"], rebooted.names()
        if finished:
            break
        units += 1
    assert units > len(new)


def test_first_write_cut_at_every_unit_leaves_nothing_or_new():
    new = b"0123456789"
    for units in range(len(new) + 4):
        files = RamFiles()
        storage = DirStorage("/flash", files=files)
        files.cut_after(units)
        try:
            storage.write("f", new)
        except PowerCut:
            pass
        files.restore_power()
        found = DirStorage("/flash", files=files).read("f")
        assert found in (None, new), (units, found)


def _pending_operations(storage):
    storage.write("b", b"old content")
    pending = storage.create("b")
    pending.write(b"new ")
    pending.write(memoryview(b"xcontentx")[1:8])
    assert pending.size == 11
    assert pending.read_at(4, 7) == b"content"
    assert storage.read("b") == b"old content"  # untouched until commit
    assert storage.names() == ["b"]
    pending.commit()
    assert storage.read("b") == b"new content"
    dropped = storage.create("b")
    dropped.write(b"never")
    dropped.discard()
    dropped.discard()  # twice is fine
    assert storage.read("b") == b"new content"
    assert storage.names() == ["b"]
    try:
        dropped.write(b"more")
        raise AssertionError("wrote to a discarded file")
    except ValueError:
        pass


def test_a_file_written_in_pieces_replaces_the_old_only_at_commit():
    _pending_operations(DirStorage("/flash", files=RamFiles()))
    root = _scratch_dir()
    try:
        _pending_operations(DirStorage(root, files=OsFiles()))
    finally:
        _remove_tree(root)


def test_a_piece_that_does_not_fit_is_refused_whole():
    storage = DirStorage("/flash", capacity=100, files=RamFiles())
    pending = storage.create("c")
    pending.write(b"x" * 60)
    try:
        pending.write(b"y" * 50)
        raise AssertionError("over the budget")
    except StorageFull:
        pass
    assert pending.size == 60
    assert pending.read_at(0, 100) == b"x" * 60


def test_power_cut_at_every_unit_of_a_write_in_pieces_leaves_the_old_or_the_new():
    pieces = [b"n" * 7, b"e" * 5, b"w" * 9]
    cut = 0
    while True:
        files = RamFiles()
        DirStorage("/flash", files=files).write("f", b"old")
        storage = DirStorage("/flash", files=files)
        files.cut_after(cut)
        try:
            pending = storage.create("f")
            for piece in pieces:
                pending.write(piece)
            pending.commit()
            finished = True
        except PowerCut:
            finished = False
        files.restore_power()
        after = DirStorage("/flash", files=files)
        assert after.read("f") in (b"old", b"".join(pieces)), cut
        assert after.names() == ["f"] and len(files.files) == 1, cut
        if finished:
            assert after.read("f") == b"".join(pieces)
            break
        cut += 1
    assert cut > sum(len(p) for p in pieces)
