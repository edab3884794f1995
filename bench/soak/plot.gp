# RSS of keel and the FastAPI peer against seconds of load, one plot.
# gnuplot -e "out='x.png'; keel='keel.dat'; peer='peer.dat'; ttl='...'" plot.gp
# Data files: "t_s rss_mib" per line (written by run.sh from the CSV).
set terminal pngcairo size 1100,600 font "DejaVu Sans,10"
set output out
set title ttl
set xlabel "seconds from the start of the load (negative: idle before it)"
set ylabel "RSS (MiB)"
set yrange [0:*]
set grid
set key right center Left reverse box opaque samplen 3 spacing 1.3
if (strlen(peer) > 0) {
  plot keel using 1:2 with lines lw 2 lc rgb "#1f77b4" title "keel", \
       peer using 1:2 with lines lw 2 lc rgb "#d62728" title "FastAPI reference (uvicorn, 1 process)"
} else {
  plot keel using 1:2 with lines lw 2 lc rgb "#1f77b4" title "keel"
}
