// Goroutines on several OS threads: channels, a worker pool, sync.Mutex, sync/atomic,
// sync.Cond, timers and tickers, select with a timeout, and a panic recovered in a goroutine.
// Prints only what is the same on every run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func workerPool() {
	jobs := make(chan int, 100)
	results := make(chan int, 100)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j * j
			}
		}()
	}
	for i := 1; i <= 100; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("worker pool: sum of squares", sum)
}

func counters() {
	var mu sync.Mutex
	var atomicCount int64
	locked := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				atomic.AddInt64(&atomicCount, 1)
				mu.Lock()
				locked++
				mu.Unlock()
				if i%1000 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("counters:", atomic.LoadInt64(&atomicCount), locked)
}

func condition() {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := 0
	order := []int{}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			mu.Lock()
			for ready == 0 {
				cond.Wait()
			}
			order = append(order, id)
			mu.Unlock()
		}(i)
	}
	time.Sleep(10 * time.Millisecond)
	mu.Lock()
	ready = 1
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
	sort.Ints(order)
	fmt.Println("cond broadcast woke", order)
}

func timers() {
	start := time.Now()
	timer := time.NewTimer(30 * time.Millisecond)
	<-timer.C
	ticks := 0
	ticker := time.NewTicker(5 * time.Millisecond)
	for range ticker.C {
		ticks++
		if ticks == 4 {
			break
		}
	}
	ticker.Stop()
	fmt.Println("timer and ticks:", ticks, time.Since(start) >= 30*time.Millisecond)
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("impossible")
	case <-time.After(20 * time.Millisecond):
		fmt.Println("select timed out")
	}
}

func recovered() {
	done := make(chan string)
	go func() {
		defer func() { done <- fmt.Sprint("recovered: ", recover()) }()
		var m map[string]int
		m["x"] = 1
	}()
	fmt.Println(<-done)
}

func main() {
	runtime.GOMAXPROCS(2)
	workerPool()
	counters()
	condition()
	timers()
	recovered()
	fmt.Println("done")
	if len(os.Args) > 1 {
		os.Exit(3)
	}
}
