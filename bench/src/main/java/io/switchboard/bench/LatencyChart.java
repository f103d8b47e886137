package io.switchboard.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PNG of latency percentiles: one panel per operation, p50 / p90 / p99 / max on the x axis and
 * milliseconds on a log scale, one line per target and the floor (the broker's produce round trip
 * at the same concurrency) dashed. Drawn with java.awt, headless.
 */
final class LatencyChart {
    private static final String[] PERCENTILES = {"p50_ms", "p90_ms", "p99_ms", "max_ms"};
    private static final String[] PERCENTILE_LABELS = {"p50", "p90", "p99", "max"};
    private static final Color[] COLORS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD)};
    private static final Color FLOOR = new Color(0x555555);
    private static final int PANEL_W = 430;
    private static final int PANEL_H = 290;
    private static final int COLUMNS = 3;

    private LatencyChart() {
    }

    static void write(Map<String, Object> report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Map<String, Object>> targets = Report.list(report.get("targets"));
        List<String> ops = Report.operations(report);
        int rows = (ops.size() + COLUMNS - 1) / COLUMNS;
        int top = 90;
        int width = COLUMNS * PANEL_W + 20;
        int height = top + rows * PANEL_H + 20;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString("Latency percentiles per target (ms, log scale), N = " + report.get("connectors")
                + (Boolean.TRUE.equals(report.get("quick")) ? " (quick run)" : ""), 20, 30);
        // Legend.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        int x = 20;
        for (int t = 0; t < targets.size(); t++) {
            x = legend(g, x, 62, COLORS[t % COLORS.length], null, String.valueOf(targets.get(t).get("label")));
        }
        legend(g, x, 62, FLOOR, dashed(), "broker produce acks=all (floor, all runs pooled)");

        for (int i = 0; i < ops.size(); i++) {
            int px = 10 + (i % COLUMNS) * PANEL_W;
            int py = top + (i / COLUMNS) * PANEL_H;
            panel(g, report, targets, ops.get(i), px, py);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static int legend(Graphics2D g, int x, int y, Color color, Stroke stroke, String text) {
        g.setColor(color);
        g.setStroke(stroke != null ? stroke : new BasicStroke(3f));
        g.drawLine(x, y - 5, x + 30, y - 5);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(text, x + 36, y);
        return x + 36 + g.getFontMetrics().stringWidth(text) + 28;
    }

    private static Stroke dashed() {
        return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f);
    }

    private static void panel(Graphics2D g, Map<String, Object> report, List<Map<String, Object>> targets, String op,
                              int px, int py) {
        int left = px + 62;
        int right = px + PANEL_W - 20;
        int top = py + 34;
        int bottom = py + PANEL_H - 40;
        Map<String, Object> any = null;
        List<double[]> series = new ArrayList<>();
        for (Map<String, Object> t : targets) {
            Map<String, Object> p = Report.phase(t, op);
            any = any != null ? any : p;
            series.add(p == null ? null : values(p));
        }
        int concurrency = any == null ? 1 : (int) Report.num(any.get("concurrency"));
        double[] floor = values(Report.floorFor(report, concurrency));
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] s : concat(series, floor)) {
            for (double v : s) {
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        double logLo = Math.log10(lo);
        double logHi = Math.log10(hi);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(op + "  (concurrency " + concurrency + ")", px + 14, py + 20);

        // Grid and y labels: each decade labelled, 2 and 5 when the range is short.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        boolean fine = logHi - logLo <= 2;
        for (double decade = lo; decade < hi * 1.001; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                double v = decade * m;
                if (v > hi * 1.001) {
                    break;
                }
                int y = yOf(v, logLo, logHi, top, bottom);
                g.setColor(m == 1 ? new Color(0xCCCCCC) : new Color(0xEEEEEE));
                g.drawLine(left, y, right, y);
                if (m == 1 || fine) {
                    String label = label(v);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
                }
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        int[] xs = new int[PERCENTILES.length];
        for (int i = 0; i < PERCENTILES.length; i++) {
            xs[i] = left + 25 + i * (right - left - 50) / (PERCENTILES.length - 1);
            g.setColor(Color.DARK_GRAY);
            g.drawString(PERCENTILE_LABELS[i], xs[i] - fm.stringWidth(PERCENTILE_LABELS[i]) / 2, bottom + 16);
        }
        g.drawString("ms", px + 8, top + 4);

        // Answers outside 2xx are part of the percentiles; say so on the panel.
        int noteY = bottom + 32;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        StringBuilder note = new StringBuilder();
        for (Map<String, Object> t : targets) {
            int failed = Report.failures(Report.phase(t, op));
            if (failed > 0) {
                Map<String, Object> p = Report.phase(t, op);
                note.append(note.length() == 0 ? "non-2xx: " : ", ").append(t.get("label")).append(" ")
                        .append(failed).append("/").append(p.get("count"));
            }
        }
        if (note.length() > 0) {
            g.setColor(new Color(0xB00000));
            g.drawString(note.toString(), left, noteY);
        }

        line(g, xs, floor, logLo, logHi, top, bottom, FLOOR, dashed());
        for (int t = 0; t < series.size(); t++) {
            if (series.get(t) != null) {
                line(g, xs, series.get(t), logLo, logHi, top, bottom, COLORS[t % COLORS.length], new BasicStroke(2.5f));
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void line(Graphics2D g, int[] xs, double[] values, double logLo, double logHi, int top, int bottom,
                             Color color, Stroke stroke) {
        g.setColor(color);
        g.setStroke(stroke);
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] > 0)) {
                continue;
            }
            int y = yOf(values[i], logLo, logHi, top, bottom);
            if (prevX >= 0) {
                g.drawLine(prevX, prevY, xs[i], y);
            }
            g.fillOval(xs[i] - 4, y - 4, 8, 8);
            prevX = xs[i];
            prevY = y;
        }
    }

    private static int yOf(double v, double logLo, double logHi, int top, int bottom) {
        double f = (Math.log10(v) - logLo) / (logHi - logLo);
        return (int) Math.round(bottom - f * (bottom - top));
    }

    private static String label(double v) {
        if (v >= 1) {
            return v >= 1000 ? (long) (v / 1000) + "k" : String.valueOf((long) v);
        }
        return String.valueOf(Latencies.round(v)).replaceAll("0+$", "");
    }

    private static double[] values(Map<String, Object> summary) {
        double[] v = new double[PERCENTILES.length];
        for (int i = 0; i < PERCENTILES.length; i++) {
            v[i] = Report.num(summary.get(PERCENTILES[i]));
        }
        return v;
    }

    private static List<double[]> concat(List<double[]> series, double[] floor) {
        List<double[]> all = new ArrayList<>();
        for (double[] s : series) {
            if (s != null) {
                all.add(s);
            }
        }
        all.add(floor);
        return all;
    }
}
