/**
 * What keeps a long-running process healthy around the model, apart from the graph code: the resident-memory limit
 * checked after every inference ({@link io.clipstream.model.runtime.ResidentMemoryGuard}) and handing freed native
 * memory back to the system ({@link io.clipstream.model.runtime.NativeHeapTrim}).
 */
package io.clipstream.model.runtime;
