"""The bottom of the house: small helpers every layer may use and that use none of it
(atomic writes, running ffmpeg, the ROC calendar, counting characters, the output
folder's claim, cleaning PDFs, Pillow's limits)."""
