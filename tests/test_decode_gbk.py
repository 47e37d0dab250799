"""GBK text whose byte pairs can pass for 2-byte UTF-8 (一 = D2 BB reads as Cyrillic һ)."""

from loaders.read import decode_text


def test_gbk_lines_that_look_like_two_byte_utf8_are_gbk():
    text = "一\n一一一一一一丁"  # found by tests/test_read.py's property test
    assert decode_text(text.encode("gbk")) == (text, "gb18030")
    # a UTF-8 file cut inside its last character stays UTF-8
    assert decode_text("第一行\n岳阳市妇联文件".encode("utf-8")[:-1]) == ("第一行\n岳阳市妇联文\ufffd", "utf-8")
