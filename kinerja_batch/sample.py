"""A realistic sample ``master_indikator.xlsx`` (domain §2) for ``init`` and for tests.

The office is the Dinas Komunikasi dan Informatika of the fictional Kabupaten Sukamaju. The
content is fixed (no randomness) so that two runs write the same values.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

BIDANG_HEADERS = ("Kode Bidang", "Nama Bidang", "Penanggung Jawab", "NIP", "Email", "Jabatan")
INDIKATOR_HEADERS = (
    "Kode Indikator",
    "Kode Bidang",
    "Level",
    "Uraian",
    "Indikator Kinerja",
    "Satuan",
    "Polaritas",
    "Agregasi",
    "Target Tahunan",
    "Target TW1",
    "Target TW2",
    "Target TW3",
    "Target TW4",
    "Pagu Anggaran (Rp)",
    "Definisi Operasional",
    "Sumber Data",
)

# (kode, nama, penanggung jawab, NIP, email). NIP: birth date, TMT CPNS, gender, sequence.
BIDANG = (
    ("SEK", "Sekretariat", "Hj. Rina Marlina, S.E., M.M.", "197805142003122005",
     "sekretariat.diskominfo@sukamajukab.go.id"),
    ("IKP", "Informasi dan Komunikasi Publik", "Agus Setiawan, S.Sos., M.Si.", "198003212005011003",
     "ikp.diskominfo@sukamajukab.go.id"),
    ("APTIKA", "Aplikasi Informatika", "Dedi Kurniawan, S.Kom., M.T.", "198209172008011002",
     "aptika.diskominfo@sukamajukab.go.id"),
    ("TIK", "Infrastruktur Teknologi Informasi dan Komunikasi", "Ir. Yusuf Hidayat, M.Kom.",
     "197612032002121004", "tik.diskominfo@sukamajukab.go.id"),
    ("STATSAN", "Statistik dan Persandian", "Dr. Sri Wahyuni, S.Si., M.Stat.", "198107252006042008",
     "statsan.diskominfo@sukamajukab.go.id"),
    ("EGOV", "Tata Kelola Sistem Pemerintahan Berbasis Elektronik", "Fitri Handayani, S.T., M.Eng.",
     "198506112010012017", "egov.diskominfo@sukamajukab.go.id"),
)

P, N = "Positif", "Negatif"
KUM, POS, RATA = "Kumulatif", "Posisi Akhir", "Rata-rata"


class Row(NamedTuple):
    kode: str
    bidang: str
    level: str
    uraian: str
    indikator: str
    satuan: str
    polaritas: str
    agregasi: str
    tahunan: float
    tw: tuple[float, float, float, float] | None  # targets s.d. TW1..TW4; None = left empty
    pagu: int | None
    definisi: str
    sumber: str


_SEK_RKA = "Dokumen RKA/DPA Diskominfo Kabupaten Sukamaju Tahun 2025"

INDIKATOR = (
    # ---------------------------------------------------------------- Sekretariat
    Row("T-01", "SEK", "Tujuan",
        "Meningkatnya tata kelola pemerintahan berbasis elektronik yang terpadu",
        "Indeks SPBE Kabupaten Sukamaju", "Indeks", P, POS, 3.1, (2.9, 2.9, 3.0, 3.1), None,
        "Nilai indeks hasil evaluasi SPBE oleh Kementerian PANRB dengan skala 1-5.",
        "Laporan Hasil Evaluasi SPBE Kementerian PANRB"),
    Row("IKU-05", "SEK", "Sasaran",
        "Meningkatnya akuntabilitas kinerja perangkat daerah",
        "Nilai hasil evaluasi SAKIP Dinas Komunikasi dan Informatika", "Indeks", P, POS, 72.5, None, None,
        "Nilai evaluasi akuntabilitas kinerja oleh Inspektorat Kabupaten dengan skala 0-100.",
        "LHE SAKIP Inspektorat Kabupaten Sukamaju"),
    Row("2.16.01", "SEK", "Program",
        "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
        "Persentase dokumen perencanaan dan pelaporan kinerja yang tersusun tepat waktu", "%", P, POS,
        100, (100, 100, 100, 100), 2_350_000_000,
        "Jumlah dokumen perencanaan dan pelaporan yang disampaikan sesuai jadwal dibagi jumlah dokumen "
        "yang wajib disusun, dikali 100.",
        "Tanda terima penyampaian dokumen ke Bappeda dan BPKAD"),
    Row("2.16.01.2.01", "SEK", "Kegiatan",
        "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
        "Jumlah dokumen perencanaan, penganggaran, dan evaluasi kinerja yang tersusun", "Dokumen", P, KUM,
        8, (2, 4, 6, 8), 185_000_000,
        "Dokumen Renja, RKA, DPA, Perjanjian Kinerja, LKjIP dan laporan evaluasi yang telah ditetapkan.",
        "Arsip Subbagian Perencanaan dan Keuangan"),
    Row("2.16.01.2.01.0001-a", "SEK", "Sub Kegiatan",
        "Penyusunan Dokumen Perencanaan Perangkat Daerah",
        "Jumlah dokumen perencanaan perangkat daerah yang tersusun", "Dokumen", P, KUM,
        3, (1, 2, 2, 3), 65_000_000,
        "Renja, RKA dan DPA perangkat daerah yang telah ditetapkan atau disahkan.",
        "Arsip Subbagian Perencanaan dan Keuangan"),
    Row("2.16.01.2.01.0006-a", "SEK", "Sub Kegiatan",
        "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
        "Jumlah laporan capaian kinerja yang tersusun", "Dokumen", P, KUM, 5, (2, 3, 4, 5), 52_500_000,
        "LKjIP tahunan dan laporan capaian kinerja triwulanan yang telah disampaikan ke Bappeda.",
        "Arsip Subbagian Perencanaan dan Keuangan"),
    Row("2.16.01.2.05.0009-a", "SEK", "Sub Kegiatan",
        "Pendidikan dan Pelatihan Pegawai Berdasarkan Tugas dan Fungsi",
        "Jumlah pegawai yang mengikuti pendidikan dan pelatihan", "Orang", P, KUM, 24, (4, 10, 18, 24),
        120_000_000,
        "Jumlah pegawai yang menyelesaikan diklat atau bimbingan teknis dibuktikan dengan sertifikat.",
        "Sertifikat diklat dan data kepegawaian"),
    Row("2.16.01.2.07.0005-a", "SEK", "Sub Kegiatan",
        "Pengadaan Peralatan dan Mesin Lainnya",
        "Nilai pengadaan barang milik daerah melalui katalog elektronik", "Rp", P, KUM,
        850_000_000, (150_000_000, 400_000_000, 650_000_000, 850_000_000), 950_000_000,
        "Nilai kontrak pengadaan peralatan yang dilaksanakan melalui e-Katalog atau Toko Daring.",
        "Aplikasi e-Katalog LKPP dan laporan PPK"),
    Row("2.16.01.2.08.0002-a", "SEK", "Sub Kegiatan",
        "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
        "Jumlah laporan penyediaan jasa komunikasi, sumber daya air dan listrik", "Laporan", P, KUM,
        12, (3, 6, 9, 12), 240_000_000,
        "Laporan bulanan pembayaran tagihan internet kantor, telepon, air dan listrik yang lunas tepat "
        "waktu.",
        "SP2D dan bukti pembayaran tagihan"),
    # ---------------------------------------------------------------- Informasi dan Komunikasi Publik
    Row("IKU-01", "IKP", "Sasaran",
        "Meningkatnya keterbukaan informasi publik",
        "Nilai Indeks Keterbukaan Informasi Publik Kabupaten", "Indeks", P, POS, 78.5, None, None,
        "Nilai hasil monitoring dan evaluasi keterbukaan informasi publik oleh Komisi Informasi Provinsi.",
        "Keputusan Komisi Informasi Provinsi tentang hasil monev KIP"),
    Row("IKU-02", "IKP", "Sasaran",
        "Meningkatnya kualitas layanan pengaduan masyarakat",
        "Waktu rata-rata penanganan aduan masyarakat melalui SP4N-LAPOR! (hari)", "Hari", N, RATA,
        5, (6, 6, 5, 5), None,
        "Rata-rata jumlah hari kerja sejak aduan diterima sampai ditindaklanjuti oleh OPD terkait.",
        "Dasbor SP4N-LAPOR! Kabupaten Sukamaju"),
    Row("IKP-P01", "IKP", "Program",
        "Program Informasi dan Komunikasi Publik",
        "Persentase OPD yang menyebarluaskan informasi publik melalui kanal resmi pemerintah daerah", "%",
        P, POS, 90, (60, 70, 80, 90), 1_450_000_000,
        "Jumlah OPD yang mempublikasikan informasi di portal dan media sosial resmi dibagi jumlah OPD, "
        "dikali 100.",
        "Rekap publikasi portal sukamajukab.go.id dan akun media sosial resmi"),
    Row("2.16.02.2.01", "IKP", "Kegiatan",
        "Pengelolaan Informasi dan Komunikasi Publik Pemerintah Daerah Kabupaten/Kota",
        "Jumlah konten informasi publik yang dipublikasikan", "Konten", P, KUM,
        1200, (300, 600, 900, 1200), 975_000_000,
        "Berita, infografis, video dan siaran pers yang tayang di kanal resmi pemerintah daerah.",
        "Log publikasi tim media center"),
    Row("2.16.02.2.01.0001-a", "IKP", "Sub Kegiatan",
        "Monitoring Opini dan Aspirasi Publik di Lingkup Pemerintah Daerah Kabupaten/Kota",
        "Jumlah laporan monitoring isu dan opini publik", "Dokumen", P, KUM, 12, (3, 6, 9, 12), 145_000_000,
        "Laporan bulanan hasil pemantauan isu media massa dan media sosial yang disampaikan ke Bupati.",
        "Arsip laporan monitoring media"),
    Row("2.16.02.2.01.0002-a", "IKP", "Sub Kegiatan",
        "Pengelolaan Konten dan Perencanaan Media Komunikasi Publik",
        "Jumlah konten media sosial dan portal berita pemerintah daerah", "Konten", P, KUM,
        1000, (250, 500, 750, 1000), 310_000_000,
        "Konten yang diproduksi dan diunggah oleh tim media center di akun resmi dan portal berita.",
        "Log unggahan media sosial dan CMS portal"),
    Row("2.16.02.2.01.0004-a", "IKP", "Sub Kegiatan",
        "Pengelolaan Layanan Informasi Publik dan PPID",
        "Persentase permohonan informasi publik yang diselesaikan tepat waktu", "%", P, RATA,
        95, (95, 95, 95, 95), 87_500_000,
        "Permohonan informasi yang dijawab paling lambat 10 hari kerja dibagi seluruh permohonan, "
        "dikali 100.",
        "Register permohonan informasi PPID Utama"),
    Row("2.16.02.2.01.0005-a", "IKP", "Sub Kegiatan",
        "Pengelolaan Pengaduan Masyarakat melalui SP4N-LAPOR!",
        "Jumlah aduan masyarakat yang melewati batas waktu tindak lanjut", "Aduan", N, KUM,
        0, (0, 0, 0, 0), 58_000_000,
        "Aduan yang belum ditindaklanjuti setelah melewati batas waktu 10 hari kerja.",
        "Dasbor SP4N-LAPOR! Kabupaten Sukamaju"),
    Row("2.16.02.2.01.0007-a", "IKP", "Sub Kegiatan",
        "Penguatan Kapasitas Sumber Daya Komunikasi Publik",
        "Jumlah peserta bimbingan teknis kehumasan", "Orang", P, KUM, 60, (0, 20, 40, 60), 98_000_000,
        "Pranata humas dan admin media sosial OPD yang mengikuti bimtek kehumasan sampai selesai.",
        "Daftar hadir dan sertifikat bimtek"),
    # ---------------------------------------------------------------- Aplikasi Informatika
    Row("IKU-03", "APTIKA", "Sasaran",
        "Meningkatnya layanan publik berbasis elektronik yang terintegrasi",
        "Persentase layanan publik yang terintegrasi dalam aplikasi layanan digital", "%", P, POS,
        65, (50, 55, 60, 65), None,
        "Jumlah jenis layanan publik yang dapat diakses melalui aplikasi terintegrasi dibagi seluruh jenis "
        "layanan publik, dikali 100.",
        "Katalog layanan SPBE Kabupaten Sukamaju"),
    Row("2.16.03", "APTIKA", "Program",
        "Program Aplikasi Informatika",
        "Persentase aplikasi perangkat daerah yang terintegrasi", "%", P, POS, 70, (55, 60, 65, 70),
        1_875_000_000,
        "Jumlah aplikasi yang terhubung melalui sistem penghubung layanan dibagi jumlah aplikasi yang "
        "terdaftar, dikali 100.",
        "Katalog aplikasi SPBE Kabupaten Sukamaju"),
    Row("2.16.03.2.02", "APTIKA", "Kegiatan",
        "Pengelolaan e-Government di Lingkup Pemerintah Daerah Kabupaten/Kota",
        "Jumlah aplikasi layanan yang dikembangkan", "Aplikasi", P, KUM, 6, (1, 3, 4, 6), 1_240_000_000,
        "Aplikasi baru atau pengembangan aplikasi yang telah diserahterimakan kepada OPD pengguna.",
        "Berita acara serah terima aplikasi"),
    Row("0701", "APTIKA", "Kegiatan",
        "Pengelolaan Layanan Aplikasi Umum",
        "Indeks kepuasan pengguna aplikasi layanan publik", "Indeks", P, POS, 3.4, None, 78_000_000,
        "Nilai survei kepuasan pengguna aplikasi dengan skala 1-4.",
        "Laporan survei kepuasan pengguna aplikasi"),
    Row("2.16.03.2.02.0001-a", "APTIKA", "Sub Kegiatan",
        "Pengelolaan Nama Domain dan Sub Domain di Lingkup Pemerintah Daerah Kabupaten/Kota",
        "Jumlah sub domain sukamajukab.go.id yang aktif dan terkelola", "Sub Domain", P, POS,
        95, (85, 88, 92, 95), 54_000_000,
        "Sub domain yang terdaftar, memiliki sertifikat SSL yang berlaku dan dapat diakses.",
        "Panel pengelolaan DNS Diskominfo"),
    Row("2.16.03.2.02.0002-a", "APTIKA", "Sub Kegiatan",
        "Pengembangan Aplikasi dan Proses Bisnis Pemerintahan Berbasis Elektronik",
        "Jumlah aplikasi baru yang dikembangkan", "Aplikasi", P, KUM, 4, (0, 1, 2, 4), 685_000_000,
        "Aplikasi baru yang telah lulus uji kelayakan dan dioperasikan oleh OPD.",
        "Berita acara uji kelayakan dan serah terima aplikasi"),
    Row("2.16.03.2.02.0004-a", "APTIKA", "Sub Kegiatan",
        "Penyelenggaraan Sistem Penghubung Layanan Pemerintah",
        "Jumlah layanan yang terhubung melalui sistem penghubung layanan", "Layanan", P, POS,
        25, (15, 18, 22, 25), 215_000_000,
        "Layanan antaraplikasi yang bertukar data melalui API gateway pemerintah daerah.",
        "Log API gateway Diskominfo"),
    Row("2.16.03.2.02.0008-a", "APTIKA", "Sub Kegiatan",
        "Pengembangan Ekosistem Kota Cerdas (Smart City)",
        "Jumlah kegiatan literasi dan sosialisasi smart city", "Kegiatan", P, KUM, 8, (2, 4, 6, 8),
        165_000_000,
        "Kegiatan sosialisasi, lokakarya dan literasi digital bertema smart city bagi masyarakat dan ASN.",
        "Laporan kegiatan dan daftar hadir"),
    # ---------------------------------------------------------------- Infrastruktur TIK
    Row("IKU-04", "TIK", "Sasaran",
        "Meningkatnya kualitas infrastruktur TIK pemerintah daerah",
        "Persentase OPD yang terhubung jaringan intra pemerintah daerah", "%", P, POS, 95, (85, 88, 92, 95),
        None,
        "Jumlah OPD yang terhubung jaringan intra pemerintah daerah dibagi jumlah seluruh OPD, dikali 100.",
        "Peta jaringan intra pemerintah Diskominfo"),
    Row("TIK-P01", "TIK", "Program",
        "Program Aplikasi Informatika (Infrastruktur TIK)",
        "Persentase gangguan jaringan intra pemerintah daerah", "%", N, RATA, 2, (3, 2.5, 2.5, 2),
        1_650_000_000,
        "Jumlah jam gangguan jaringan dibagi jumlah jam layanan dalam satu triwulan, dikali 100.",
        "Sistem pemantauan jaringan (NMS) Diskominfo"),
    Row("TIK-K01", "TIK", "Kegiatan",
        "Pengelolaan Infrastruktur Jaringan dan Pusat Data",
        "Waktu rata-rata pemulihan gangguan jaringan", "Jam", N, RATA, 4, (6, 5, 5, 4), 310_000_000,
        "Rata-rata jam sejak gangguan dilaporkan sampai layanan jaringan pulih.",
        "Tiket help desk dan NMS Diskominfo"),
    Row("2.16.03.2.02.0005-a", "TIK", "Sub Kegiatan",
        "Pengelolaan Pusat Data Pemerintah Daerah",
        "Persentase ketersediaan layanan pusat data (uptime)", "%", P, RATA, 99.5, (99.5, 99.5, 99.5, 99.5),
        725_000_000,
        "Jumlah jam layanan pusat data tersedia dibagi jumlah jam dalam triwulan, dikali 100.",
        "Laporan pemantauan pusat data"),
    Row("2.16.03.2.02.0006-a", "TIK", "Sub Kegiatan",
        "Penyelenggaraan Jaringan Intra Pemerintah Daerah",
        "Jumlah titik lokasi yang terhubung jaringan intra pemerintah", "Titik", P, POS,
        120, (100, 105, 112, 120), 890_000_000,
        "Kantor OPD, kecamatan dan UPT yang terhubung jaringan intra melalui fiber optik atau radio.",
        "Peta jaringan intra pemerintah Diskominfo"),
    Row("2.16.03.2.02.0007-a", "TIK", "Sub Kegiatan",
        "Penyediaan Akses Internet Publik",
        "Jumlah titik akses internet publik yang dikelola", "Titik", P, POS, 75, (60, 65, 70, 75),
        480_000_000,
        "Titik Wi-Fi publik di desa, taman dan ruang publik yang aktif pada akhir triwulan.",
        "Dasbor pengelolaan Wi-Fi publik"),
    Row("2.16.03.2.02.0009-a", "TIK", "Sub Kegiatan",
        "Penyediaan Layanan Komputasi Awan Pemerintah Daerah",
        "Jumlah OPD yang memanfaatkan layanan colocation dan cloud pusat data", "OPD", P, POS,
        30, None, 95_000_000,
        "OPD yang menempatkan server atau aplikasinya di pusat data pemerintah daerah.",
        "Register layanan pusat data"),
    Row("TIK-K02", "TIK", "Kegiatan",
        "Peningkatan Kapasitas Pengelola Infrastruktur TIK",
        "Jumlah pelatihan teknis jaringan bagi operator OPD", "Kegiatan", P, KUM, 4, None, 60_000_000,
        "Pelatihan teknis pengelolaan jaringan dan keamanan perangkat bagi operator TIK OPD.",
        "Laporan kegiatan dan daftar hadir"),
    # ---------------------------------------------------------------- Statistik dan Persandian
    Row("IKU-06", "STATSAN", "Sasaran",
        "Meningkatnya kualitas dan pemanfaatan data statistik sektoral",
        "Persentase data sektoral yang dipublikasikan di Portal Satu Data Sukamaju", "%", P, POS,
        80, (50, 60, 70, 80), None,
        "Jumlah dataset prioritas yang terbit di portal dibagi jumlah dataset prioritas, dikali 100.",
        "Portal Satu Data Sukamaju"),
    Row("IKU-07", "STATSAN", "Sasaran",
        "Meningkatnya keamanan informasi pemerintah daerah",
        "Nilai Indeks Keamanan Informasi (Indeks KAMI)", "Indeks", P, POS, 420, None, None,
        "Skor total penilaian mandiri Indeks KAMI yang diverifikasi BSSN (skala 0-645).",
        "Laporan verifikasi Indeks KAMI oleh BSSN"),
    Row("2.20.02", "STATSAN", "Program",
        "Program Penyelenggaraan Statistik Sektoral",
        "Persentase OPD yang menyampaikan data statistik sektoral tepat waktu", "%", P, POS,
        85, (60, 70, 80, 85), 425_000_000,
        "OPD yang menyampaikan data sesuai jadwal Forum Satu Data dibagi jumlah OPD produsen data, "
        "dikali 100.",
        "Rekap penyampaian data Forum Satu Data"),
    Row("007-STAT", "STATSAN", "Kegiatan",
        "Penyelenggaraan Statistik Sektoral di Lingkup Daerah Kabupaten/Kota",
        "Jumlah dataset yang dimutakhirkan di Portal Satu Data", "Dataset", P, KUM,
        350, (80, 170, 260, 350), 240_000_000,
        "Dataset yang diperbarui dan lolos verifikasi walidata pada triwulan berjalan.",
        "Portal Satu Data Sukamaju"),
    Row("2.20.02.2.01.0001-a", "STATSAN", "Sub Kegiatan",
        "Koordinasi dan Sinkronisasi Pengumpulan, Pengolahan, Analisis dan Diseminasi Data Statistik "
        "Sektoral",
        "Jumlah publikasi statistik sektoral yang diterbitkan", "Dokumen", P, KUM, 2, (0, 1, 1, 2),
        185_000_000,
        "Publikasi statistik sektoral daerah yang diterbitkan dan diunggah ke Portal Satu Data.",
        "Portal Satu Data Sukamaju"),
    Row("2.21.02", "STATSAN", "Program",
        "Program Penyelenggaraan Persandian untuk Pengamanan Informasi",
        "Jumlah insiden keamanan siber pada sistem elektronik pemerintah daerah", "Insiden", N, KUM,
        4, (1, 2, 3, 4), 560_000_000,
        "Insiden siber (deface, malware, peretasan, DDoS) yang tercatat dan diverifikasi CSIRT.",
        "Laporan CSIRT Kabupaten Sukamaju"),
    Row("2.21.02.2.01.0001-a", "STATSAN", "Sub Kegiatan",
        "Pelaksanaan Keamanan Informasi Pemerintahan Daerah Berbasis Elektronik dan Non Elektronik",
        "Jumlah insiden kebocoran data", "Insiden", N, KUM, 0, (0, 0, 0, 0), 210_000_000,
        "Kejadian kebocoran data pribadi atau data pemerintah yang terkonfirmasi oleh CSIRT.",
        "Laporan CSIRT Kabupaten Sukamaju"),
    Row("2.21.02.2.01.0002-a", "STATSAN", "Sub Kegiatan",
        "Penyediaan Layanan Keamanan Informasi Pemerintah Daerah Kabupaten/Kota",
        "Jumlah sistem elektronik yang dinilai kerentanannya", "Aplikasi", P, KUM, 12, (3, 6, 9, 12),
        175_000_000,
        "Aplikasi atau sistem elektronik yang telah dilakukan vulnerability assessment atau uji penetrasi.",
        "Laporan hasil penilaian kerentanan"),
    Row("2.21.02.2.01.0003-a", "STATSAN", "Sub Kegiatan",
        "Penetapan Pola Hubungan Komunikasi Sandi antar Perangkat Daerah Kabupaten/Kota",
        "Jumlah OPD yang menerapkan tanda tangan elektronik tersertifikasi", "OPD", P, POS,
        40, (25, 30, 35, 40), 68_000_000,
        "OPD yang pejabatnya telah memiliki sertifikat elektronik BSrE dan memakainya pada naskah dinas.",
        "Dasbor sertifikat elektronik BSrE"),
    # ---------------------------------------------------------------- Tata Kelola SPBE
    Row("IKU-08", "EGOV", "Sasaran",
        "Meningkatnya kematangan penerapan SPBE",
        "Indeks domain kebijakan internal SPBE", "Indeks", P, POS, 3.0, None, None,
        "Nilai domain kebijakan internal pada evaluasi SPBE dengan skala 1-5.",
        "Laporan Hasil Evaluasi SPBE Kementerian PANRB"),
    Row("EGOV-P01", "EGOV", "Program",
        "Program Aplikasi Informatika (Tata Kelola SPBE)",
        "Persentase OPD yang menerapkan arsitektur SPBE", "%", P, POS, 75, (40, 50, 60, 75), 780_000_000,
        "OPD yang proses bisnis dan layanannya telah dipetakan dalam arsitektur SPBE dibagi jumlah OPD, "
        "dikali 100.",
        "Dokumen Arsitektur SPBE Kabupaten Sukamaju"),
    Row("EGOV-K01", "EGOV", "Kegiatan",
        "Penyelenggaraan Tata Kelola SPBE",
        "Jumlah kebijakan internal SPBE yang ditetapkan", "Dokumen", P, KUM, 3, (0, 1, 2, 3), 425_000_000,
        "Peraturan atau keputusan Bupati terkait SPBE yang telah ditetapkan dan diundangkan.",
        "JDIH Kabupaten Sukamaju"),
    Row("2.16.03.2.02.0010-a", "EGOV", "Sub Kegiatan",
        "Penyusunan Arsitektur dan Peta Rencana SPBE",
        "Jumlah dokumen arsitektur dan peta rencana SPBE yang direviu", "Dokumen", P, KUM, 2, (0, 1, 1, 2),
        150_000_000,
        "Dokumen arsitektur SPBE dan peta rencana SPBE yang telah direviu dan ditetapkan.",
        "Arsip Bidang Tata Kelola SPBE"),
    Row("2.16.03.2.02.0011-a", "EGOV", "Sub Kegiatan",
        "Peningkatan Kapasitas Sumber Daya Manusia SPBE",
        "Jumlah ASN yang mengikuti pelatihan literasi digital dan SPBE", "Orang", P, KUM,
        150, (30, 80, 120, 150), 135_000_000,
        "ASN yang mengikuti pelatihan literasi digital atau SPBE sampai selesai.",
        "Daftar hadir dan sertifikat pelatihan"),
    Row("2.16.03.2.02.0012-a", "EGOV", "Sub Kegiatan",
        "Pelaksanaan Audit TIK dan Evaluasi Mandiri SPBE",
        "Jumlah evaluasi mandiri SPBE yang dilaksanakan", "Kegiatan", P, KUM, 1, None, 50_000_000,
        "Penilaian mandiri SPBE yang telah diunggah ke aplikasi evaluasi SPBE Kementerian PANRB.",
        "Aplikasi evaluasi SPBE Kementerian PANRB"),
    Row("2.16.03.2.02.0013-a", "EGOV", "Sub Kegiatan",
        "Penyelenggaraan Layanan Help Desk SPBE",
        "Persentase aduan layanan SPBE yang diselesaikan tepat waktu", "%", P, RATA, 90, (90, 90, 90, 90),
        72_000_000,
        "Tiket aduan layanan SPBE yang diselesaikan sesuai SLA dibagi seluruh tiket, dikali 100.",
        "Aplikasi help desk Diskominfo"),
)


def write_sample_master(path: Path) -> None:
    """Write the sample ``master_indikator.xlsx`` (sheets ``Bidang`` and ``Indikator``) to ``path``."""
    import xlsxwriter  # only needed here; keeps module import cheap

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "valign": "vcenter"})
        # "@" keeps codes and NIP as text if someone retypes them in Excel later
        text = wb.add_format({"num_format": "@", "valign": "top"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        number = wb.add_format({"num_format": "General", "valign": "top"})
        rupiah = wb.add_format({"num_format": "#,##0", "valign": "top"})

        ws = wb.add_worksheet("Bidang")
        _header(ws, BIDANG_HEADERS, bold)
        rows = [(*row, _jabatan(row[1])) for row in BIDANG]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                ws.write_string(r, c, value, text)
        _fit(ws, BIDANG_HEADERS, rows)

        ws = wb.add_worksheet("Indikator")
        _header(ws, INDIKATOR_HEADERS, bold)
        long_text = {3, 4, 14, 15}  # Uraian, Indikator Kinerja, Definisi Operasional, Sumber Data
        for r, ind in enumerate(INDIKATOR, start=1):
            texts = [ind.kode, ind.bidang, ind.level, ind.uraian, ind.indikator, ind.satuan, ind.polaritas,
                     ind.agregasi]
            for c, word in enumerate(texts):
                ws.write_string(r, c, word, wrap if c in long_text else text)
            target_format = rupiah if ind.satuan == "Rp" else number
            ws.write_number(r, 8, ind.tahunan, target_format)
            for k, target in enumerate(ind.tw or ()):
                ws.write_number(r, 9 + k, target, target_format)
            if ind.pagu is not None:
                ws.write_number(r, 13, ind.pagu, rupiah)
            ws.write_string(r, 14, ind.definisi, wrap)
            ws.write_string(r, 15, ind.sumber, wrap)
        shown = [
            (i.kode, i.bidang, i.level, i.uraian, i.indikator, i.satuan, i.polaritas, i.agregasi,
             f"{i.tahunan:,.0f}", *(f"{t:,.0f}" for t in (i.tw or (0, 0, 0, 0))), f"{i.pagu or 0:,.0f}",
             i.definisi, i.sumber)
            for i in INDIKATOR
        ]
        _fit(ws, INDIKATOR_HEADERS, shown, caps={3: 45, 4: 45, 14: 50, 15: 32})
        ws.autofilter(0, 0, len(INDIKATOR), len(INDIKATOR_HEADERS) - 1)
    finally:
        wb.close()


def _header(ws, headers: tuple[str, ...], fmt) -> None:
    for c, title in enumerate(headers):
        ws.write_string(0, c, title, fmt)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)


def _jabatan(nama: str) -> str:
    """The head's title as the office writes it (the master's optional Jabatan column)."""
    return "Sekretaris" if nama == "Sekretariat" else f"Kepala Bidang {nama}"


def _fit(ws, headers: tuple[str, ...], rows, caps: dict[int, int] | None = None) -> None:
    """Column widths that fit the longest text, capped where long texts wrap instead."""
    caps = caps or {}
    for c, title in enumerate(headers):
        longest = max([len(title)] + [len(str(row[c])) for row in rows if c < len(row)])
        ws.set_column(c, c, min(longest + 2, caps.get(c, 60)))
