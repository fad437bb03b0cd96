package io.lakestream.archive;

/**
 * What a bronze batch committed: records, quarantined records, records that broke a warn
 * expectation. Saved with the batch's archive plan, because a replay after some of its files were
 * moved reads fewer files and would count less than the batch really committed.
 */
public record CommittedRows(long rows, long quarantined, long warned) {}
