package io.switchboard.processor;

/**
 * What the command topology tells besides its topics.
 *
 * @param observer hears each decision as it is made (the API's answers wait on it)
 * @param history  the connectors' histories (and incident timelines) kept in stores of their own; null keeps none
 * @param spans    a span for each decision, in the trace its command's record header names
 */
public record TopologyOutputs(DecisionObserver observer, HistoryRecording history, DecisionSpans spans) {
}
