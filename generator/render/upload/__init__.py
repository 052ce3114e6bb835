"""Upload-ready copies: every 文件 and 影音 made to fit the official limits (`portfolio fit`
and the build's upload step); originals are only read."""
