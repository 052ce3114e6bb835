"""The application kit: per department, the files the student uploads to it on the
甄選會 platform (學習歷程自述.pdf, 多元表現綜整心得.pdf, 其他.pdf) and the list of
central-database items to tick (勾選清單.html and .pdf)."""
