"""The parts of ``loaders.read`` (import from there): ``common`` (errors, result, size limit, bytes),
``decode`` (charsets), ``text`` / ``html`` / ``docx`` / ``pdf`` (formats), ``discover`` (files)."""
