/**
 * Step 1: the label-set step. {@link io.clipstream.topology.labelsets.LabelSetEncoder} turns a label set into one
 * label embedding per label, encoding its prompts (text tower) and example images (image tower, prepared as images
 * are) in steps under the {@link io.clipstream.topology.labelsets.TextTowerShare} rule, cached and resumable after a
 * restart.
 */
package io.clipstream.topology.labelsets;
